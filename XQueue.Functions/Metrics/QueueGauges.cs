using System.Diagnostics.Metrics;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Metrics;

/// <summary>
/// Per-queue gauges read from the shared <see cref="OverviewSnapshot"/> when something observes them (an export):
/// every gauge of one export, and the dashboard meanwhile, share one read. The figures are the whole service's
/// (from storage), so every instance reports the same values: aggregate them across instances with max, not sum.
/// </summary>
public static class QueueGauges
{
    /// <summary>An export waits this long for fresh figures, then reports the latest it has.</summary>
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static void Register(Meter meter, OverviewSnapshot snapshot)
    {
        IEnumerable<Measurement<T>> PerQueue<T>(Func<QueueFigures, T> value) where T : struct =>
            snapshot.Read(Patience)?.Queues.Select(q => new Measurement<T>(value(q), new KeyValuePair<string, object?>("queue", q.Queue))) ?? [];

        meter.CreateObservableGauge("xqueue.queue.waiting", () => PerQueue(q => q.Waiting), "{submission}",
            "Submissions waiting to be pulled (as get_queuelen counts them, the backlog included).");
        meter.CreateObservableGauge("xqueue.queue.in_flight", () => PerQueue(q => q.InFlight), "{submission}",
            "Submissions held by a grader within their processing delay.");
        meter.CreateObservableGauge("xqueue.queue.backlog", () => PerQueue(q => q.Backlogged), "{submission}",
            "Of the waiting submissions, those kept in the backlog table beyond the queue window.");
        meter.CreateObservableGauge("xqueue.queue.oldest_waiting.age", () => PerQueue(q => q.OldestWaitingAge?.TotalSeconds ?? 0), "s",
            "Age of the oldest waiting submission (0 when none waits).");
        meter.CreateObservableGauge("xqueue.queue.failed", () => PerQueue(q => q.Failed), "{submission}",
            "Failed submissions kept (until reset, retired or expired).");
        meter.CreateObservableGauge("xqueue.delivery.awaiting",
            () => snapshot.Read(Patience) is { } figures ? [new Measurement<int>(figures.AwaitingDelivery)] : Array.Empty<Measurement<int>>(),
            "{result}", "Results stored and not yet delivered to the LMS (all queues).");
    }
}
