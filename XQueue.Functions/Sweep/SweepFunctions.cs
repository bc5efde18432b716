using Microsoft.Azure.Functions.Worker;

namespace XQueue.Functions.Sweep;

/// <summary>The Sweep timer under the Functions host (standalone, <see cref="StandaloneSweep"/> runs the same sweep).</summary>
public sealed class SweepFunctions(Sweeper sweeper, ILogger<SweepFunctions> log)
{
    /// <summary>NCRONTAB, UTC: once a minute. First delivery attempts and outbox retries do not wait for it.</summary>
    public const string Schedule = "0 */1 * * * *";

    /// <summary>A sweep that cannot reach storage fails the invocation, which is how the host should see it.</summary>
    [Function("Sweep")]
    public async Task Sweep([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var report = await sweeper.RunOnceAsync(cancellationToken);
        if (timer.IsPastDue) log.LogInformation("Sweep ran past its schedule: {SweepReport}", report.ToString());
    }
}
