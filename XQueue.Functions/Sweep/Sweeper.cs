using System.Diagnostics;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Delivery;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Sweep;

public sealed record SweepReport(int DeliveryAttempts, int ExpiredLeases, int DeletedSubmissions, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"sweep: {DeliveryAttempts} delivery attempts, {ExpiredLeases} expired leases cleared, {DeletedSubmissions} old submissions deleted in {Elapsed.TotalMilliseconds:F0} ms";
}

/// <summary>
/// The periodic duties, run by the Functions timer or, standalone, by <see cref="StandaloneSweep"/>.
/// Each duty reads only what is due (visible outbox messages, expired leases, a key range of old
/// submissions), so its cost follows the work, not the history. Poison submissions need no duty here:
/// they are failed on the pull that would hand them out once too often.
/// </summary>
public sealed class Sweeper(
    DeliveryOutbox outbox, ResultDelivery delivery, InflightIndex inflight, SubmissionStore store, CallbackIndex callbacks,
    IOptions<XQueueOptions> options, TimeProvider time, ILogger<Sweeper> log)
{
    const int RetentionBatch = 100;
    static readonly TimeSpan DeliveryBudget = TimeSpan.FromSeconds(20);

    public async Task<SweepReport> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var attempts = await RedeliverDueAsync(cancellationToken);
        var leases = await inflight.PurgeExpiredAsync(cancellationToken);
        var deleted = await DeleteExpiredAsync(cancellationToken);
        var report = new SweepReport(attempts, leases, deleted, clock.Elapsed);
        if (attempts + leases + deleted > 0) log.LogInformation("{SweepReport}", report.ToString());
        return report;
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
        }
        return expired.Count;
    }
}
