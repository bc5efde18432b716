using System.Diagnostics;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Delivery;
using XQueue.Functions.Submissions;
using XQueue.Functions.Intake;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Sweep;

public sealed record SweepReport(
    int RescuedDeliveries, int AbandonedResults, int OldHolds, int DeletedSubmissions, int MovedFromBacklog, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"sweep: {RescuedDeliveries} deliveries back from the poison queue, {AbandonedResults} abandoned results handed to delivery, " +
        $"{OldHolds} old hold rows removed, {DeletedSubmissions} old submissions deleted, {MovedFromBacklog} moved from the backlog in {Elapsed.TotalMilliseconds:F0} ms";
}

/// <summary>
/// The periodic duties, run by the Functions timer or, standalone, by <see cref="StandaloneSweep"/>.
/// Each duty reads only what is due (the outbox's poison queue, hold rows with a result whose instance died, hold rows long over, a key range of old submissions, the head of each backlog), so its cost follows
/// the work, not the history. Due deliveries
/// are the outbox trigger's (standalone: <see cref="OutboxConsumer"/>), not the sweep's. Poison
/// submissions need no duty here: they are failed on the pull that would hand them out once too often.
/// The backlog refill here is the safety net: pulls and submits refill too, but only on the instance
/// that knows of the backlog, and only while grading goes on.
/// </summary>
public sealed class Sweeper(
    DeliveryOutbox outbox, AbandonedResults abandoned, Holds holds, SubmissionStore store, CallbackIndex callbacks,
    FailedIndex failed, QueueCatalog catalog, BacklogRefill refill, IOptions<XQueueOptions> options, TimeProvider time, ILogger<Sweeper> log)
{
    const int RetentionBatch = 100;

    public async Task<SweepReport> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var rescued = await outbox.RescuePoisonedAsync(cancellationToken);
        if (rescued > 0) log.LogWarning("{Count} deliveries whose attempts kept failing came back from the poison queue", rescued);
        var recovered = await abandoned.RecoverAsync(cancellationToken);
        var oldHolds = await holds.PurgeAsync(cancellationToken);
        var deleted = await DeleteExpiredAsync(cancellationToken);
        var moved = await EachQueueAsync((queue, token) => refill.RefillAsync(queue, token), "Backlog refill", cancellationToken);
        var report = new SweepReport(rescued, recovered, oldHolds, deleted, moved, clock.Elapsed);
        if (rescued + recovered + oldHolds + deleted + moved > 0) log.LogInformation("{SweepReport}", report.ToString());
        return report;
    }

    // A duty per queue; one queue's failure does not keep the others from theirs.
    async Task<int> EachQueueAsync(Func<string, CancellationToken, Task<int>> duty, string what, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var queue in catalog.Names)
        {
            try
            {
                total += await duty(queue, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "{Duty} on {Queue} failed; the next sweep tries again", what, queue);
            }
        }
        return total;
    }

    async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var expired = await store.FinishedBeforeAsync(cutoff, RetentionBatch, cancellationToken);
        foreach (var submission in expired)
        {
            await store.DeleteAsync(submission, cancellationToken);
            await callbacks.ForgetAsync(submission.CallbackUrl, submission.Id, cancellationToken);
            if (submission.Status == SubmissionStatus.Failed) await failed.RemoveAsync(submission.Id, cancellationToken);
        }
        return expired.Count;
    }
}
