using XQueue.Functions.Storage;
using System.Security.Cryptography;
using System.Text;

namespace XQueue.Functions.Submissions;

public enum ResultOutcome
{
    Accepted,
    NoSuchSubmission,
    WrongKey,
    NotAllowed,
}

/// <summary>
/// put_result: checks id and key, records the reply with its delivery obligation, releases the work
/// message, and returns at once — the LMS is called by Delivery, never while the grader waits.
/// A repeated put_result with the same key amends the result and is delivered again (legacy behaviour).
/// </summary>
public sealed class ResultIntake(
    SubmissionStore store, QueueCatalog catalog, InflightIndex inflight, ResultRecorder results, ILogger<ResultIntake> log)
{
    /// <param name="mayGrade">Whether the caller may grade a given queue: put_result checks the submission's own queue.</param>
    public async Task<ResultOutcome> AcceptAsync(
        long id, string key, string reply, Func<string, bool> mayGrade, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var submission = await store.GetAsync(id, cancellationToken);
            if (submission is null) return ResultOutcome.NoSuchSubmission;
            if (!KeyMatches(submission.PullKey, key)) return ResultOutcome.WrongKey;
            if (!mayGrade(submission.Queue)) return ResultOutcome.NotAllowed;

            var stored = await results.RecordAsync(submission, reply, SubmissionStatus.Retired, cancellationToken);
            if (stored is null) continue;

            await ReleaseAsync(submission, cancellationToken);
            log.LogInformation("Result for submission {SubmissionId} accepted (reply {ReplyVersion})", id, stored.ReplyVersion);
            return ResultOutcome.Accepted;
        }
    }

    // The result is durable by now, so the grader is told "accepted" even if this cleanup fails:
    // a message left behind reappears after the delay and is dropped because the submission is retired.
    async Task ReleaseAsync(Submission submission, CancellationToken cancellationToken)
    {
        if (!catalog.Contains(submission.Queue) || submission is not { MessageId: { } messageId, PopReceipt: { } popReceipt }) return;
        var work = catalog.WorkQueue(submission.Queue);
        try
        {
            await Task.WhenAll(
                work.TryDeleteAsync(messageId, popReceipt, cancellationToken),
                inflight.ClearAsync(work.Name, submission.Id, cancellationToken));
        }
        catch (Azure.RequestFailedException e)
        {
            log.LogWarning(e, "Could not release the work message of submission {SubmissionId}; the pull path drops it later", submission.Id);
        }
    }

    internal static bool KeyMatches(string? expected, string given) =>
        !string.IsNullOrEmpty(expected) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
}
