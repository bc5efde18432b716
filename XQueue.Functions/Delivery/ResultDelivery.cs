using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Metrics;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>
/// One delivery attempt for one outbox entry. Never re-grades: a failed POST only moves the entry's
/// next attempt later (exponential backoff with jitter), until the LMS answers 200 or GiveUpAfter passes.
/// </summary>
public sealed class ResultDelivery(
    SubmissionStore store, DeliveryOutbox outbox, LmsCallback lms, IOptions<XQueueOptions> options,
    XQueueMetrics metrics, TimeProvider time, ILogger<ResultDelivery> log)
{
    /// <param name="known">The submission as just stored, when the caller has it (the first attempt after put_result).</param>
    public async Task AttemptAsync(OutboxEntry entry, Submission? known = null, CancellationToken cancellationToken = default)
    {
        var submission = known ?? await store.GetAsync(entry.SubmissionId, cancellationToken);
        if (submission is null || entry.ReplyVersion < submission.ReplyVersion ||
            (entry.ReplyVersion == submission.ReplyVersion && submission.Delivery == DeliveryState.Delivered))
        {
            await outbox.CompleteAsync(entry, cancellationToken); // deleted, amended since, or already delivered
            return;
        }
        if (entry.ReplyVersion > submission.ReplyVersion || submission.Reply is null)
        {
            // The entry was written but its reply never was (crash, or a lost race): give the writer time, then drop.
            if (time.GetUtcNow() - entry.InsertionTime > GraderPulls.OrphanGrace) await outbox.CompleteAsync(entry, cancellationToken);
            else await outbox.RetryLaterAsync(entry, TimeSpan.FromSeconds(5), cancellationToken);
            return;
        }

        var reply = await store.ReadTextAsync(submission.Reply, cancellationToken);
        var outcome = await lms.PostAsync(submission.CallbackUrl, submission.Header, reply, cancellationToken);
        var now = time.GetUtcNow();
        var giveUp = !outcome.Delivered && now - entry.InsertionTime > options.Value.Delivery.GiveUpAfter;

        await store.UpdateAsync(submission, current => current.ReplyVersion != entry.ReplyVersion ? null : current with
        {
            Delivery = outcome.Delivered ? DeliveryState.Delivered : giveUp ? DeliveryState.GaveUp : DeliveryState.Pending,
            DeliveredAt = outcome.Delivered ? now : current.DeliveredAt,
            DeliveryAttempts = current.DeliveryAttempts + 1,
            LastDeliveryStatus = outcome.Status,
            LastDeliveryError = outcome.Error,
            History = SubmissionEvent.Append(current.History,
                new(now, SubmissionEvent.Delivery, Detail: outcome.Status is { } status ? $"HTTP {status}" : outcome.Error)),
        }, cancellationToken);
        metrics.DeliveryAttempted(submission, outcome.Delivered, giveUp);

        if (outcome.Delivered)
        {
            await outbox.CompleteAsync(entry, cancellationToken);
            log.LogInformation("Result of submission {SubmissionId} delivered to the LMS", submission.Id);
        }
        else if (giveUp)
        {
            await outbox.CompleteAsync(entry, cancellationToken);
            log.LogError("Gave up delivering the result of submission {SubmissionId} after {Attempts} attempts ({Error})",
                submission.Id, submission.DeliveryAttempts + 1, outcome.Error);
        }
        else
        {
            var delay = Backoff(submission.DeliveryAttempts + 1);
            await outbox.RetryLaterAsync(entry, delay, cancellationToken);
            log.LogWarning("Delivery of submission {SubmissionId} failed ({Error}); next attempt in {Delay}",
                submission.Id, outcome.Error, delay);
        }
    }

    TimeSpan Backoff(int attempts)
    {
        var delivery = options.Value.Delivery;
        var exponential = delivery.RetryBase * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = exponential < delivery.RetryMax ? exponential : delivery.RetryMax;
        // Jitter spreads the retries of a whole exam wave after an LMS outage.
        var jittered = capped * (0.8 + 0.4 * Random.Shared.NextDouble());
        return jittered < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : jittered;
    }
}
