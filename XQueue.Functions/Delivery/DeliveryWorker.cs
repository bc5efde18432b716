using System.Threading.Channels;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Runs first attempts right after put_result has answered, a bounded number at a time. Anything it
/// does not finish (shutdown, crash) stays in the outbox and is retried by the sweep.
/// </summary>
public sealed class DeliveryWorker(IServiceProvider services, IOptions<XQueueOptions> options, ILogger<DeliveryWorker> log)
    : BackgroundService
{
    readonly Channel<OutboxEntry> pending = Channel.CreateUnbounded<OutboxEntry>(new UnboundedChannelOptions { SingleReader = true });

    public void StartSoon(OutboxEntry entry) => pending.Writer.TryWrite(entry);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(
            pending.Reader.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.Delivery.Concurrency, CancellationToken = stoppingToken },
            async (entry, cancellationToken) =>
            {
                try
                {
                    await services.GetRequiredService<ResultDelivery>().AttemptAsync(entry, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "First delivery attempt for submission {SubmissionId} failed; the sweep retries it", entry.SubmissionId);
                }
            });
}
