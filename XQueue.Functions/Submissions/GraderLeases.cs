using Azure.Storage.Queues.Models;
using Azure;
using XQueue.Functions.Configuration;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

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
/// graders by moving its work message's visibility (Update Message), up to <c>PulledAt + MaxLease</c>. The new
/// pop receipt is stored on the submission, so put_result still deletes the message; the key does not change.
/// </summary>
public sealed class GraderLeases(SubmissionStore store, QueueCatalog catalog, InflightIndex inflight, TimeProvider time, ILogger<GraderLeases> log)
{
    // Update Message can lose to a concurrent extend by the same holder (its receipt moved on): read and try again.
    const int Tries = 3;

    /// <param name="asked">Seconds from now; null for the queue's processing delay.</param>
    /// <param name="mayGrade">Whether the caller may grade a given queue (checked on the submission's own queue).</param>
    public async Task<LeaseOutcome> ExtendAsync(long id, string key, int? asked, Func<string, bool> mayGrade, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < Tries; attempt++)
        {
            var submission = await store.GetAsync(id, cancellationToken);
            if (submission is null) return new(LeaseAnswer.NoSuchSubmission);
            if (!ResultIntake.KeyMatches(submission.PullKey, key)) return new(LeaseAnswer.WrongKey);
            if (!mayGrade(submission.Queue)) return new(LeaseAnswer.NotAllowed);
            if (submission is not { Status: SubmissionStatus.Pulled, MessageId: { } messageId, PopReceipt: { } receipt, PulledAt: { } pulledAt }
                || !catalog.Contains(submission.Queue))
            {
                return new(LeaseAnswer.NotHeld);
            }

            var maxLease = catalog.Options.MaxLeaseOf(submission.Queue);
            var now = time.GetUtcNow();
            var wanted = TimeSpan.FromSeconds(asked ?? Math.Ceiling(catalog.ProcessingDelay(submission.Queue).TotalSeconds));
            var room = pulledAt + maxLease - now;
            // Visibility is whole seconds: round down, so the lease never passes the limit.
            var seconds = (int)Math.Floor((wanted < room ? wanted : room).TotalSeconds);
            // Clamped, and the lease already ends within a second of the limit: nothing can be added.
            var atLimit = wanted > room && pulledAt + maxLease - (submission.LeaseUntil ?? now) < TimeSpan.FromSeconds(1);
            if (seconds < 1 || atLimit) return new(LeaseAnswer.AtLimit, MaxLease: maxLease);

            var work = catalog.WorkQueue(submission.Queue);
            UpdateReceipt updated;
            try
            {
                updated = await work.HideAsync(messageId, receipt, TimeSpan.FromSeconds(seconds), cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 400 or 404)
            {
                // The receipt moved on: another extend of ours got there first (try again), or another grader took the message.
                continue;
            }

            // The service answers in whole seconds; the lease asked for is kept (and told) to the millisecond.
            var until = now.AddSeconds(seconds);
            if (!await StoreAsync(submission, updated.PopReceipt, until, cancellationToken)) return new(LeaseAnswer.NotHeld);
            await inflight.MarkAsync(work.Name, id, until, cancellationToken);
            log.LogInformation("Lease of submission {SubmissionId} extended by {Seconds} s", id, seconds);
            return new(LeaseAnswer.Extended, until, seconds, maxLease);
        }
        return new(LeaseAnswer.NotHeld);
    }

    // ETag-conditional, retried while the submission is still held with the receipt this extend replaced.
    async Task<bool> StoreAsync(Submission submission, string popReceipt, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var replaced = submission.PopReceipt;
        var stored = await store.UpdateAsync(submission, current =>
            current.Status == SubmissionStatus.Pulled && current.MessageId == submission.MessageId && current.PopReceipt == replaced
                ? current with { PopReceipt = popReceipt, LeaseUntil = until }
                : null, cancellationToken);
        return stored is { Status: SubmissionStatus.Pulled } && stored.PopReceipt == popReceipt;
    }
}
