using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using XQueue.Functions.Metrics;

namespace XQueue.Bench.Rig;

/// <summary>
/// Listens to the service's per-request storage histograms (<see cref="RequestStorageCost"/>: calls, and calls one
/// after another, per request and route), of every instance in this process, and keeps how many requests had each
/// value, so that a window between two snapshots gives means and percentiles per endpoint.
/// </summary>
public sealed class RequestStorageMeter : IDisposable
{
    readonly MeterListener listener = new();
    readonly ConcurrentDictionary<RequestStorage.Key, long> counts = new();

    public RequestStorageMeter()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == XQueueMetrics.MeterName &&
                instrument.Name is RequestStorageCost.CallsInstrument or RequestStorageCost.SequentialInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            var route = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "http.route") route = tag.Value as string ?? "";
            }
            counts.AddOrUpdate(new(Endpoint(route), instrument.Name, value), 1, (_, n) => n + 1);
        });
        listener.Start();
    }

    public RequestStorage Snapshot() => new(counts.ToDictionary());

    // "/xqueue/get_submission/" → "get_submission", as StorageCallMeter names endpoints.
    static string Endpoint(string route) => route.Trim('/') is var path && path.StartsWith("xqueue/", StringComparison.Ordinal) ? path["xqueue/".Length..] : path;

    public void Dispose() => listener.Dispose();
}

/// <summary>Requests by endpoint, instrument and value (storage calls) between two snapshots.</summary>
public sealed record RequestStorage(IReadOnlyDictionary<RequestStorage.Key, long> Counts)
{
    public readonly record struct Key(string Endpoint, string Instrument, int Value);

    public RequestStorage Minus(RequestStorage earlier) => new(Counts
        .Select(pair => (pair.Key, Value: pair.Value - earlier.Counts.GetValueOrDefault(pair.Key)))
        .Where(pair => pair.Value != 0)
        .ToDictionary(pair => pair.Key, pair => pair.Value));

    public IEnumerable<string> Endpoints => Counts.Keys.Select(key => key.Endpoint).Distinct().Order(StringComparer.Ordinal);

    /// <summary>The calls of <paramref name="endpoint"/>'s requests, or null when it had none in the window.</summary>
    public Distribution? Calls(string endpoint) => Of(endpoint, RequestStorageCost.CallsInstrument);

    /// <summary>The calls one after another of <paramref name="endpoint"/>'s requests, or null when it had none.</summary>
    public Distribution? Sequential(string endpoint) => Of(endpoint, RequestStorageCost.SequentialInstrument);

    Distribution? Of(string endpoint, string instrument)
    {
        var values = Counts.Where(pair => pair.Key.Endpoint == endpoint && pair.Key.Instrument == instrument)
            .Select(pair => (pair.Key.Value, Requests: pair.Value)).OrderBy(v => v.Value).ToArray();
        return values.Length == 0 ? null : new Distribution(values);
    }

    /// <summary>{"submit": {"requests": n, "calls": mean, "sequential": mean, "sequentialP50": n, "sequentialMax": n}, …}</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var endpoint in Endpoints)
        {
            if (Calls(endpoint) is not { } calls || Sequential(endpoint) is not { } sequential) continue;
            json[endpoint] = new JsonObject
            {
                ["requests"] = calls.Requests,
                ["calls"] = Math.Round(calls.Mean, 2),
                ["sequential"] = Math.Round(sequential.Mean, 2),
                ["callsMax"] = calls.Max,
                ["sequentialP50"] = sequential.Percentile(50),
                ["sequentialMax"] = sequential.Max,
            };
        }
        return json;
    }

    /// <summary>How many requests had each value, in ascending order of value.</summary>
    public sealed record Distribution(IReadOnlyList<(int Value, long Requests)> Values)
    {
        public long Requests => Values.Sum(v => v.Requests);
        public double Mean => Values.Sum(v => (double)v.Value * v.Requests) / Requests;
        public int Max => Values[^1].Value;

        /// <summary>Nearest rank, as the latency samples.</summary>
        public int Percentile(double p)
        {
            var rank = Math.Max(1, (long)Math.Ceiling(p / 100 * Requests));
            foreach (var (value, requests) in Values)
            {
                rank -= requests;
                if (rank <= 0) return value;
            }
            return Max;
        }
    }
}
