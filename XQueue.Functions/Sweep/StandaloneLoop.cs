namespace XQueue.Functions.Sweep;

/// <summary>
/// A periodic duty run on a timer of this process when no Functions host is there to run it by its schedule. A
/// failure is logged and the next tick tries again.
/// </summary>
public abstract class StandaloneLoop(TimeSpan interval, bool runAtStart, TimeProvider time, ILogger log) : BackgroundService
{
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        if (runAtStart) await TryOnceAsync(stoppingToken);
        while (await timer.WaitForNextTickAsync(stoppingToken)) await TryOnceAsync(stoppingToken);
    }

    async Task TryOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunOnceAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "{Duty} failed; it runs again in {Interval}", GetType().Name, interval);
        }
    }
}
