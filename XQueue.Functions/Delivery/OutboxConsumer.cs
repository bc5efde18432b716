using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Standalone, what the DeliverResult queue trigger does under the Functions host: takes the outbox entries that
/// are due (retries, and first attempts an instance did not finish) and attempts them, a bounded number at a time.
/// An empty look waits longer each time, from a tenth of a second up to XQueue:Sweep:Interval, as the host's queue
/// listener backs off.
/// </summary>
public sealed class OutboxConsumer(DeliveryOutbox outbox, ResultDelivery delivery, IOptions<XQueueOptions> options, TimeProvider time, ILogger<OutboxConsumer> log)
    : BackgroundService
{
    static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = FirstWait;
        while (!stoppingToken.IsCancellationRequested)
        {
            var attempted = 0;
            try
            {
                attempted = await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "The outbox could not be read; trying again in {Wait}", wait);
            }
            wait = attempted > 0 ? FirstWait : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, options.Value.Sweep.Interval.Ticks));
            if (attempted == 0) await Task.Delay(wait, time, stoppingToken);
        }
    }

    /// <returns>How many entries were due and attempted.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var due = await outbox.ReceiveDueAsync(32, cancellationToken);
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
        return due.Count;
    }
}
