using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.WorkQueues;

/// <summary>
/// The one read of the queue figures (<see cref="QueueOverview"/>) that the dashboard, /xqueue/metrics/ and the
/// exported gauges all show: a read serves every reader for <see cref="MetricsOptions.SnapshotMaxAge"/>, readers
/// arriving while one runs wait for it, and nothing reads storage unless someone looks. So many dashboards and an
/// exporter cost one set of storage reads every few seconds, and the hot paths none.
/// </summary>
public sealed class OverviewSnapshot(QueueOverview overview, IOptions<XQueueOptions> options, TimeProvider time)
{
    readonly Lock gate = new();
    Task<OverviewFigures>? reading;
    OverviewFigures? latest;

    /// <summary>The latest figures that were read successfully, however old, or null before the first read.</summary>
    public OverviewFigures? Latest => Volatile.Read(ref latest);

    public Task<OverviewFigures> ReadAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            var fresh = reading is { IsCompletedSuccessfully: true } done && time.GetUtcNow() - done.Result.At < options.Value.Metrics.SnapshotMaxAge;
            if (!fresh && reading is not { IsCompleted: false })
            {
                // Not tied to the first reader's request: one that gives up must not fail the others waiting.
                reading = Task.Run(ReadAndKeepAsync);
            }
            return reading!.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// For callers that cannot await (an observable gauge is read synchronously): waits at most
    /// <paramref name="patience"/> for fresh figures, then makes do with the latest.
    /// </summary>
    public OverviewFigures? Read(TimeSpan patience)
    {
        try
        {
            var read = ReadAsync();
            return read.Wait(patience) ? read.Result : Latest;
        }
        catch (AggregateException)
        {
            return Latest; // storage did not answer; the next reader tries again
        }
    }

    async Task<OverviewFigures> ReadAndKeepAsync()
    {
        var figures = await overview.ReadAsync();
        Volatile.Write(ref latest, figures);
        return figures;
    }
}
