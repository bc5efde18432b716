using System.Threading.Channels;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Runs first attempts right after put_result has answered, a bounded number at a time. Anything it
/// does not finish (shutdown, crash) stays in the outbox and is retried by the sweep.
/// </summary>
public sealed class DeliveryWorker(IServiceProvider services, IOptions<XQueueOptions> options, ILogger<DeliveryWorker> log)
    : BackgroundService
{
    readonly Channel<(OutboxEntry Entry, Submission Stored)> pending =
        Channel.CreateUnbounded<(OutboxEntry, Submission)>(new UnboundedChannelOptions { SingleReader = true });

    /// <param name="stored">The submission as put_result stored it, so the attempt need not read it again.</param>
    public void StartSoon(OutboxEntry entry, Submission stored) => pending.Writer.TryWrite((entry, stored));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(
            pending.Reader.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.Delivery.Concurrency, CancellationToken = stoppingToken },
            async (item, cancellationToken) =>
            {
                try
                {
                    await services.GetRequiredService<ResultDelivery>().AttemptAsync(item.Entry, item.Stored, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "First delivery attempt for submission {SubmissionId} failed; the sweep retries it", item.Entry.SubmissionId);
                }
            });
}
