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
/// graders by moving its work message's visibility (Update Message, with the hold's receipt), up to
/// <c>PulledAt + MaxLease</c>. The new receipt replaces the old one in the hold (<see cref="InflightIndex"/>), so
/// put_result still finds the message; the key, made from the receipt of the pull, does not change.
/// </summary>
public sealed class GraderLeases(SubmissionStore store, QueueCatalog catalog, InflightIndex inflight, PullKeys keys, TimeProvider time, ILogger<GraderLeases> log)
{
    /// <param name="asked">Seconds from now; null for the queue's processing delay.</param>
    /// <param name="mayGrade">Whether the caller may grade a given queue (checked on the submission's own queue).</param>
    public async Task<LeaseOutcome> ExtendAsync(long id, string key, int? asked, Func<string, bool> mayGrade, CancellationToken cancellationToken = default)
    {
        // Update Message can lose to a concurrent extend by the same holder (its receipt moved on), and another
        // instance may have handed the submission out a moment ago: later looks read the holds afresh.
        await foreach (var look in inflight.LookForKeyAsync(id, hold => keys.Matches(key, id, hold.MessageId, hold.KeyReceipt), cancellationToken))
        {
            if (look.Hold is not { } hold)
            {
                // A submission that does not exist settles it too, without waiting for the other instances' holds.
                if (!look.Last && (look.Number != 1 || await store.GetAsync(id, cancellationToken) is not null)) continue;
                return new(await NotHeldAnswerAsync(id, key, cancellationToken));
            }
            var queue = catalog.QueueOfWorkQueue(hold.Queue);
            if (queue is null || !mayGrade(queue)) return new(LeaseAnswer.NotAllowed);
            if (hold.Answered) return new(LeaseAnswer.NotHeld);

            var maxLease = catalog.Options.MaxLeaseOf(queue);
            var now = time.GetUtcNow();
            var pulledAt = DateTimeOffset.FromUnixTimeMilliseconds(hold.From);
            var wanted = TimeSpan.FromSeconds(asked ?? Math.Ceiling(catalog.ProcessingDelay(queue).TotalSeconds));
            var room = pulledAt + maxLease - now;
            // Visibility is whole seconds: round down, so the lease never passes the limit.
            var seconds = (int)Math.Floor((wanted < room ? wanted : room).TotalSeconds);
            // Clamped, and the lease already ends within a second of the limit: nothing can be added.
            var atLimit = wanted > room && pulledAt + maxLease - DateTimeOffset.FromUnixTimeMilliseconds(hold.Until) < TimeSpan.FromSeconds(1);
            if (seconds < 1 || atLimit) return new(LeaseAnswer.AtLimit, MaxLease: maxLease);

            UpdateReceipt updated;
            try
            {
                updated = await catalog.WorkQueue(queue).HideAsync(hold.MessageId, hold.Receipt, TimeSpan.FromSeconds(seconds), cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 400 or 404)
            {
                // The receipt moved on: another extend got there first (try again), or another grader took the message.
                continue;
            }

            // The service answers in whole seconds; the lease asked for is kept (and told) to the millisecond.
            var until = now.AddSeconds(seconds);
            inflight.Moved(hold, updated.PopReceipt, until);
            log.LogInformation("Lease of submission {SubmissionId} extended by {Seconds} s", id, seconds);
            return new(LeaseAnswer.Extended, until, seconds, maxLease);
        }
        return new(LeaseAnswer.NotHeld);
    }

    // No hold the key was made for: no such submission, a wrong key, or one answered already (its entity keeps the key).
    async Task<LeaseAnswer> NotHeldAnswerAsync(long id, string key, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) switch
        {
            null => LeaseAnswer.NoSuchSubmission,
            var submission when ResultIntake.KeyMatches(submission.PullKey, key) => LeaseAnswer.NotHeld,
            _ => LeaseAnswer.WrongKey,
        };
}
