using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Sweep;

/// <summary>Runs the sweep on a timer when no Functions host is there to do it.</summary>
public sealed class StandaloneSweep(Sweeper sweeper, IOptions<XQueueOptions> options, TimeProvider time, ILogger<StandaloneSweep> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Sweep.Interval, time);
        do
        {
            try
            {
                await sweeper.RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Sweep failed; it runs again in {Interval}", options.Value.Sweep.Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
