using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Push;

/// <summary>
/// While this instance lives, Concurrency loops per push queue push what comes up. An idle loop waits for a
/// submit on this instance (woken at once) or the recheck interval (work from other instances, retries whose
/// backoff ended). Under the Functions host the PushDispatch timer covers the times no instance is alive.
/// </summary>
public sealed class PushLoops(
    PushDispatcher dispatcher, WorkArrivals arrivals, IOptions<XQueueOptions> options, TimeProvider time, ILogger<PushLoops> log)
    : BackgroundService
{
    PushOptions Push => options.Value.Push;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (dispatcher.Queues.Count == 0) return Task.CompletedTask;
        if (!Push.Loops)
        {
            log.LogInformation("Push loops are off (XQueue:Push:Loops): push queues {Queues} are served by the PushDispatch timer only",
                string.Join(", ", dispatcher.Queues));
            return Task.CompletedTask;
        }
        return Task.WhenAll(dispatcher.Queues.SelectMany(queue => Enumerable.Range(0, Push.Concurrency).Select(_ => LoopAsync(queue, stoppingToken))));
    }

    async Task LoopAsync(string queue, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            // Watch before looking: a submit while this loop finds the queue empty still wakes it.
            using var watch = arrivals.StartWatching(queue);
            try
            {
                if (await dispatcher.PushNextAsync(queue, Timeout.InfiniteTimeSpan, stoppingToken) != PushOutcome.Empty) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Push dispatch on {Queue} failed; this loop looks again in {Recheck}", queue, Push.Recheck);
            }

            try
            {
                await watch.WaitAsync(Push.Recheck, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
