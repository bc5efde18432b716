using XQueue.Functions.Handouts;
using XQueue.Functions.Submissions;
namespace XQueue.Functions.Dashboard;

/// <summary>
/// Submissions as the dashboard shows them. A pull writes nothing to the submission's entity (the hold has its own
/// row, <see cref="Holds"/>), so a waiting submission that a grader holds now is shown pulled,
/// with the hold's grader, lease and key, as the entity itself will record them with the result.
/// </summary>
public sealed class HeldSubmissions(Holds holds, PullKeys keys)
{
    /// <summary>Every submission held now, by id.</summary>
    public Task<IReadOnlyDictionary<long, Hold>> LiveAsync(CancellationToken cancellationToken = default) => holds.LiveAsync(cancellationToken);

    public Submission Shown(Submission submission, IReadOnlyDictionary<long, Hold> live) =>
        submission.Status == SubmissionStatus.Pending && live.TryGetValue(submission.Id, out var hold)
            ? Handout.Pulled(submission, hold, keys.For(hold, submission.Queue))
            : submission;

    public async Task<Submission> ShownAsync(Submission submission, CancellationToken cancellationToken = default) =>
        Shown(submission, await LiveAsync(cancellationToken));
}
