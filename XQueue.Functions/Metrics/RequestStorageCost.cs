using System.Diagnostics.Metrics;

namespace XQueue.Functions.Metrics;

/// <summary>
/// What each HTTP request cost in storage (<see cref="RequestStorageScope"/> measures it): the calls it made, and how
/// many of them ran one after another (the critical path in calls). A request's time is at least its sequential
/// calls × one storage round trip, so the second figure says what Azure's latency adds to it, where Azurite on
/// loopback hides it. Histograms on the app's meter, tagged <c>http.route</c> as ASP.NET Core's request duration is.
/// </summary>
public sealed class RequestStorageCost
{
    public const string CallsInstrument = "xqueue.request.storage_calls";
    public const string SequentialInstrument = "xqueue.request.storage_sequential";

    // Counts, not times: the common requests make 1 to 4 calls, a dashboard view a few dozen.
    static readonly IReadOnlyList<int> Buckets = [0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100];

    readonly Histogram<int> calls, sequential;

    public RequestStorageCost(XQueueMetrics metrics)
    {
        var advice = new InstrumentAdvice<int> { HistogramBucketBoundaries = Buckets };
        calls = metrics.Meter.CreateHistogram(CallsInstrument, "{call}",
            "Storage calls one HTTP request made (those that answered before the request did).", tags: null, advice);
        sequential = metrics.Meter.CreateHistogram(SequentialInstrument, "{call}",
            "Of a request's storage calls, the most that ran one after another: its minimum number of storage round trips.", tags: null, advice);
    }

    public void Record(string route, int callCount, int sequentialCount)
    {
        var tag = new KeyValuePair<string, object?>("http.route", route);
        calls.Record(callCount, tag);
        sequential.Record(sequentialCount, tag);
    }
}
