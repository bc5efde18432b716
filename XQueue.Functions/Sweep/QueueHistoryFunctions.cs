using Microsoft.Azure.Functions.Worker;
using XQueue.Functions.Metrics;

namespace XQueue.Functions.Sweep;

/// <summary>The timer that writes the queues' history under the Functions host (standalone, <see cref="StandaloneHistory"/>).</summary>
public sealed class QueueHistoryFunctions(QueueHistory history)
{
    /// <summary>
    /// NCRONTAB, UTC: once a minute, at its 30th second, when every instance has written its counts of the minute
    /// before (they do every 10 s). Apart from the Sweep, so that a slow sweep never leaves a minute out.
    /// </summary>
    public const string Schedule = "30 * * * * *";

    [Function("RecordQueueHistory")]
    public Task Record([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => history.RecordAsync(cancellationToken);
}
