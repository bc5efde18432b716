using System.Text.Json.Serialization;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Metrics;

/// <summary>
/// What /xqueue/metrics/ answers: per queue the snapshot's figures (the whole service's, as the dashboard shows
/// them) beside this instance's counters since it started and its latency percentiles over the recent window; per
/// route its request times and the storage calls its requests made (<see cref="RequestStorageCost"/>).
/// </summary>
public sealed record MetricsReport(
    string Instance, DateTimeOffset InstanceStartedAt, DateTimeOffset SnapshotAt, int LatencyWindowSeconds,
    IReadOnlyList<QueueMetrics> Queues, int AwaitingDelivery, IReadOnlyDictionary<string, Percentiles> Requests,
    IReadOnlyDictionary<string, RouteStorageCalls> StorageCalls)
{
    /// <summary>Latency phases, by their key in the report and their histogram.</summary>
    static readonly (string Key, string Instrument)[] Phases =
    [
        ("waiting", "xqueue.submission.waiting.duration"),
        ("grading", "xqueue.submission.grading.duration"),
        ("delivery", "xqueue.submission.delivery.duration"),
        ("endToEnd", "xqueue.submission.end_to_end.duration"),
    ];

    public static MetricsReport Of(OverviewFigures figures, RecentMeasurements recent, InstanceIdentity instance)
    {
        var totals = recent.Totals();
        var latencies = recent.Latencies();
        long Count(string instrument, string queue, string outcome = "") =>
            totals.GetValueOrDefault(new RecentMeasurements.Series(instrument, queue, outcome));

        var queues = figures.Queues.Select(q => new QueueMetrics(
            q.Queue, q.Waiting, q.InFlight, q.Backlogged, q.Failed,
            q.OldestWaitingAge is { } age ? Math.Round(age.TotalSeconds, 3) : null,
            new QueueCounters(
                Count("xqueue.submissions.received", q.Queue),
                Count("xqueue.submissions.pulled", q.Queue),
                Count("xqueue.results.accepted", q.Queue),
                Count("xqueue.submissions.failed", q.Queue),
                Count("xqueue.deliveries", q.Queue, XQueueMetrics.Delivered),
                Count("xqueue.deliveries", q.Queue, XQueueMetrics.FailedAttempt),
                Count("xqueue.deliveries", q.Queue, XQueueMetrics.GaveUp)),
            Phases.ToDictionary(p => p.Key, p => latencies.GetValueOrDefault(new(p.Instrument, q.Queue, ""), new Percentiles(0, null, null, null)))))
            .ToArray();
        var requests = new SortedDictionary<string, Percentiles>(
            latencies.Where(l => l.Key.Instrument == RecentMeasurements.RequestDuration && l.Key.Subject.Length > 0)
                .ToDictionary(l => l.Key.Subject, l => l.Value), StringComparer.Ordinal);
        var storageCalls = new SortedDictionary<string, RouteStorageCalls>(
            latencies.Where(l => l.Key.Instrument == RequestStorageCost.CallsInstrument && l.Key.Subject.Length > 0)
                .ToDictionary(l => l.Key.Subject, l => new RouteStorageCalls(l.Value,
                    latencies.GetValueOrDefault(l.Key with { Instrument = RequestStorageCost.SequentialInstrument }, new Percentiles(0, null, null, null)))),
            StringComparer.Ordinal);
        return new MetricsReport(instance.Id, instance.StartedAt, figures.At, (int)RecentMeasurements.Window.TotalSeconds,
            queues, figures.AwaitingDelivery, requests, storageCalls);
    }
}

public sealed record QueueMetrics(
    string Queue, int Waiting, int InFlight, int Backlog, int Failed, double? OldestWaitingSeconds,
    QueueCounters Counters, IReadOnlyDictionary<string, Percentiles> Latency);

/// <summary>Percentiles of one route's storage calls per request, and of those that ran one after another.</summary>
public sealed record RouteStorageCalls(Percentiles Calls, Percentiles Sequential);

/// <summary>This instance's counts since it started.</summary>
public sealed record QueueCounters(
    long Received, long Pulled, long ResultsAccepted, long Failed, long Delivered, long DeliveryFailedAttempts, long DeliveryGaveUp);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(MetricsReport))]
internal sealed partial class MetricsJson : JsonSerializerContext;
