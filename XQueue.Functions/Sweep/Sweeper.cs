using System.Diagnostics;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Delivery;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Sweep;

public sealed record SweepReport(int DeliveryAttempts, int ExpiredLeases, int DeletedSubmissions, int MovedFromBacklog, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"sweep: {DeliveryAttempts} delivery attempts, {ExpiredLeases} expired leases cleared, {DeletedSubmissions} old submissions deleted, " +
        $"{MovedFromBacklog} moved from the backlog in {Elapsed.TotalMilliseconds:F0} ms";
}

/// <summary>
/// The periodic duties, run by the Functions timer or, standalone, by <see cref="StandaloneSweep"/>.
/// Each duty reads only what is due (visible outbox messages, expired leases, a key range of old
/// submissions, the head of each backlog), so its cost follows the work, not the history. Poison
/// submissions need no duty here: they are failed on the pull that would hand them out once too often.
/// The backlog refill here is the safety net: pulls and submits refill too, but only on the instance
/// that knows of the backlog, and only while grading goes on.
/// </summary>
public sealed class Sweeper(
    DeliveryOutbox outbox, ResultDelivery delivery, InflightIndex inflight, SubmissionStore store, CallbackIndex callbacks,
    FailedIndex failed, QueueCatalog catalog, BacklogRefill refill, IOptions<XQueueOptions> options, TimeProvider time, ILogger<Sweeper> log)
{
    const int RetentionBatch = 100;
    static readonly TimeSpan DeliveryBudget = TimeSpan.FromSeconds(20);

    public async Task<SweepReport> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var attempts = await RedeliverDueAsync(cancellationToken);
        var leases = await inflight.PurgeExpiredAsync(cancellationToken);
        var deleted = await DeleteExpiredAsync(cancellationToken);
        var moved = await RefillBacklogsAsync(cancellationToken);
        var report = new SweepReport(attempts, leases, deleted, moved, clock.Elapsed);
        if (attempts + leases + deleted + moved > 0) log.LogInformation("{SweepReport}", report.ToString());
        return report;
    }

    async Task<int> RefillBacklogsAsync(CancellationToken cancellationToken)
    {
        var moved = 0;
        foreach (var queue in catalog.Names)
        {
            try
            {
                moved += await refill.RefillAsync(queue, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Backlog refill of {Queue} failed; the next sweep tries again", queue);
            }
        }
        return moved;
    }

    async Task<int> RedeliverDueAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var attempts = 0;
        while (clock.Elapsed < DeliveryBudget)
        {
            var due = await outbox.ReceiveDueAsync(32, cancellationToken);
            if (due.Count == 0) break;
            await Parallel.ForEachAsync(due,
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.Delivery.Concurrency, CancellationToken = cancellationToken },
                async (entry, token) =>
                {
                    try
                    {
                        await delivery.AttemptAsync(entry, cancellationToken: token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        log.LogWarning(e, "Delivery attempt for submission {SubmissionId} failed; it stays in the outbox", entry.SubmissionId);
                    }
                });
            attempts += due.Count;
        }
        return attempts;
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
