using Azure.Storage.Queues.Models;
using Azure;
using XQueue.Functions.Configuration;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Handouts;

public enum LeaseAnswer
{
    Extended,
    NoSuchSubmission,
    WrongKey,
    NotAllowed,

    /// <summary>Not pulled any more (graded, failed, reset) or its message was taken by another grader meanwhile.</summary>
    NotHeld,

    /// <summary>The lease already reaches <c>PulledAt + MaxLease</c>.</summary>
    AtLimit,
}

public sealed record LeaseOutcome(LeaseAnswer Answer, DateTimeOffset Until = default, int Seconds = 0, TimeSpan MaxLease = default);

/// <summary>
/// extend_lease: a grader that needs longer than the processing delay keeps its submission hidden from other
/// graders by moving its work message's visibility (Update Message, with the receipt its key names, or the one the
/// last extend recorded), up to <c>PulledAt + MaxLease</c>. The new receipt is recorded in the hold's row (<see cref="Holds"/>),
/// so put_result and later extends find the message on any instance; the key does not change. Every figure of one
/// request is computed from one reading of the clock: the ceiling, the seconds granted and the lease's end.
/// </summary>
public sealed class GraderLeases(
    SubmissionStore store, QueueCatalog catalog, PullKeys keys, Holds holds, TimeProvider time, ILogger<GraderLeases> log)
{
    /// <param name="asked">Seconds from now; null for the queue's processing delay.</param>
    /// <param name="mayGrade">Whether the caller may grade a given queue (checked on the submission's own queue).</param>
    public async Task<LeaseOutcome> ExtendAsync(long id, string key, int? asked, Func<string, bool> mayGrade, CancellationToken cancellationToken = default)
    {
        if (keys.Open(key) is not { } pull || pull.Id != id || !catalog.Contains(pull.Queue))
        {
            return new(await NotHeldAnswerAsync(id, key, cancellationToken));
        }
        var queue = pull.Queue;
        if (!mayGrade(queue)) return new(LeaseAnswer.NotAllowed);

        // To the millisecond, as the key keeps the pull's time: ceiling, seconds and lease end then agree exactly,
        // wherever the lease end is stored.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        var maxLease = catalog.Options.MaxLeaseOf(queue);
        var ceiling = pull.PulledAt + maxLease;
        var wanted = TimeSpan.FromSeconds(asked ?? Math.Ceiling(catalog.ProcessingDelay(queue).TotalSeconds));
        var work = catalog.WorkQueue(queue);
        await foreach (var lease in holds.CandidatesAsync(work.Name, pull, catalog.ProcessingDelay(queue), cancellationToken))
        {
            var room = ceiling - now;
            // Visibility is whole seconds: round down, so the lease never passes the ceiling.
            var seconds = (int)Math.Floor((wanted < room ? wanted : room).TotalSeconds);
            // Clamped, and the lease already ends within a second of the ceiling: nothing can be added.
            var atLimit = wanted > room && ceiling - DateTimeOffset.FromUnixTimeMilliseconds(lease.Until) < TimeSpan.FromSeconds(1);
            if (seconds < 1 || atLimit) return new(LeaseAnswer.AtLimit, MaxLease: maxLease);
            try
            {
                var updated = await work.HideAsync(pull.MessageId, lease.Receipt, TimeSpan.FromSeconds(seconds), cancellationToken);
                // The service counts visibility from when it took the request, a moment after now: the lease told is never longer than the real one.
                var until = now.AddSeconds(seconds);
                await holds.MovedAsync(pull.HeldAs(work.Name, updated.PopReceipt, until), cancellationToken);
                log.LogInformation("Lease of submission {SubmissionId} extended by {Seconds} s", id, seconds);
                return new(LeaseAnswer.Extended, until, seconds, maxLease);
            }
            catch (RequestFailedException e) when (e.Status is 400 or 404)
            {
                // Refused: extended before (the next candidate), or the message is no longer this pull's.
            }
        }
        // Answered (the entity keeps the key), or handed to another grader after the lease ran out (this key is wrong now).
        return new(await NotHeldAnswerAsync(id, key, cancellationToken));
    }

    // No hold the key was made for: no such submission, a wrong key, or one answered already (its entity keeps the key).
    async Task<LeaseAnswer> NotHeldAnswerAsync(long id, string key, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) switch
        {
            null => LeaseAnswer.NoSuchSubmission,
            var submission when PullKeys.Matches(submission.PullKey, key) => LeaseAnswer.NotHeld,
            _ => LeaseAnswer.WrongKey,
        };
}
