namespace XQueue.Functions.Metrics;

/// <summary>
/// The part of /xqueue/metrics/ only the answering instance knows, labelled as such: its counters since it started
/// (per queue), and per route the percentiles of its request times and of its requests' storage calls over the
/// recent window. Several instances each have their own; the exported metrics carry them all.
/// </summary>
public sealed record InstanceMetrics(
    string Id, DateTimeOffset StartedAt, IReadOnlyDictionary<string, QueueCounters> Counters,
    IReadOnlyDictionary<string, Percentiles> Requests, IReadOnlyDictionary<string, RouteStorageCalls> StorageCalls)
{
    public static InstanceMetrics Of(IEnumerable<string> queues, RecentMeasurements recent, InstanceIdentity instance)
    {
        var totals = recent.Totals();
        var latencies = recent.Latencies();
        long Count(string instrument, string queue, string outcome = "") =>
            totals.GetValueOrDefault(new RecentMeasurements.Series(instrument, queue, outcome));

        var counters = new SortedDictionary<string, QueueCounters>(queues.ToDictionary(queue => queue, queue => new QueueCounters(
            Count("xqueue.submissions.received", queue),
            Count("xqueue.submissions.pulled", queue),
            Count("xqueue.results.accepted", queue),
            Count("xqueue.submissions.failed", queue),
            Count("xqueue.deliveries", queue, XQueueMetrics.Delivered),
            Count("xqueue.deliveries", queue, XQueueMetrics.FailedAttempt),
            Count("xqueue.deliveries", queue, XQueueMetrics.GaveUp))), StringComparer.Ordinal);
        var requests = new SortedDictionary<string, Percentiles>(
            latencies.Where(l => l.Key.Instrument == RecentMeasurements.RequestDuration && l.Key.Subject.Length > 0)
                .ToDictionary(l => l.Key.Subject, l => l.Value), StringComparer.Ordinal);
        var storageCalls = new SortedDictionary<string, RouteStorageCalls>(
            latencies.Where(l => l.Key.Instrument == RequestStorageCost.CallsInstrument && l.Key.Subject.Length > 0)
                .ToDictionary(l => l.Key.Subject, l => new RouteStorageCalls(l.Value,
                    latencies.GetValueOrDefault(l.Key with { Instrument = RequestStorageCost.SequentialInstrument }, Percentiles.None))),
            StringComparer.Ordinal);
        return new InstanceMetrics(instance.Id, instance.StartedAt, counters, requests, storageCalls);
    }
}

/// <summary>Percentiles of one route's storage calls per request, and of those that ran one after another.</summary>
public sealed record RouteStorageCalls(Percentiles Calls, Percentiles Sequential);

/// <summary>This instance's counts since it started.</summary>
public sealed record QueueCounters(
    long Received, long Pulled, long ResultsAccepted, long Failed, long Delivered, long DeliveryFailedAttempts, long DeliveryGaveUp);
