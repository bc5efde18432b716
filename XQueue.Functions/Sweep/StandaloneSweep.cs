using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Sweep;

/// <summary>Runs the sweep at start and every <see cref="SweepOptions.Interval"/> when no Functions host is there to do it.</summary>
public sealed class StandaloneSweep(Sweeper sweeper, IOptions<XQueueOptions> options, TimeProvider time, ILogger<StandaloneSweep> log)
    : StandaloneLoop(options.Value.Sweep.Interval, runAtStart: true, time, log)
{
    protected override Task RunOnceAsync(CancellationToken cancellationToken) => sweeper.RunOnceAsync(cancellationToken);
}
