using System.Text.Json.Serialization;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Metrics;

/// <summary>
/// What /xqueue/metrics/ answers. Per queue, the whole service's figures, the same on every instance: the snapshot's
/// counts (as the dashboard shows them), the finished per minute, and the latency percentiles of every instance's
/// measurements (<see cref="ServiceLatencies"/>). Apart, under <c>thisInstance</c>, what only the answering instance
/// knows: its counters since it started, and per route its request times and storage calls (<see cref="RequestStorageCost"/>).
/// </summary>
public sealed record MetricsReport(
    DateTimeOffset SnapshotAt, int LatencyWindowSeconds, IReadOnlyList<QueueMetrics> Queues, int AwaitingDelivery, InstanceMetrics ThisInstance)
{
    /// <summary>Latency phases, by their key in the report and in the service's histograms.</summary>
    static readonly string[] Phases = [XQueueMetrics.Waiting, XQueueMetrics.Grading, XQueueMetrics.Delivery, XQueueMetrics.EndToEnd];

    public static MetricsReport Of(
        OverviewFigures figures, IReadOnlyDictionary<ServiceLatencies.Series, Percentiles> latencies, RecentMeasurements recent, InstanceIdentity instance)
    {
        var queues = figures.Queues.Select(q => new QueueMetrics(
            q.Queue, q.Waiting, q.InFlight, q.Backlogged, q.Failed,
            q.OldestWaitingAge is { } age ? Math.Round(age.TotalSeconds, 3) : null, q.GradedPerMinute, q.RetiredLastHour,
            Phases.ToDictionary(phase => phase, phase => latencies.GetValueOrDefault(new(q.Queue, phase), Percentiles.None))))
            .ToArray();
        return new MetricsReport(figures.At, (int)ServiceLatencies.Window.TotalSeconds, queues, figures.AwaitingDelivery,
            InstanceMetrics.Of(figures.Queues.Select(q => q.Queue), recent, instance));
    }
}

/// <param name="Latency">Percentiles per phase (waiting, grading, delivery, endToEnd) over the window, of every instance's measurements.</param>
public sealed record QueueMetrics(
    string Queue, int Waiting, int InFlight, int Backlog, int Failed, double? OldestWaitingSeconds, double GradedPerMinute, int RetiredLastHour,
    IReadOnlyDictionary<string, Percentiles> Latency);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(MetricsReport))]
internal sealed partial class MetricsJson : JsonSerializerContext;
