using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Metrics;

namespace XQueue.Functions.Sweep;

/// <summary>
/// Writes the queues' history for the dashboard's charts every <see cref="SweepOptions.HistoryInterval"/> when no
/// Functions host is there to do it; not at start, so a process that lives a few seconds writes none.
/// </summary>
public sealed class StandaloneHistory(QueueHistory history, IOptions<XQueueOptions> options, TimeProvider time, ILogger<StandaloneHistory> log)
    : StandaloneLoop(options.Value.Sweep.HistoryInterval, runAtStart: false, time, log)
{
    protected override Task RunOnceAsync(CancellationToken cancellationToken) => history.RecordAsync(cancellationToken);
}
