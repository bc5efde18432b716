using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;

namespace XQueue.Bench.Rig;

/// <summary>
/// Every HTTP request this process sends (.NET's <c>http.client.request.duration</c>), by target: storage
/// (a rig's Azurite) or anything else on loopback (the service, the LMS listener, the cold-start handler). Each transport attempt counts, so
/// storage retries show up here while the service's own counter counts a retried call once. Kept per phase:
/// failed attempts and attempts slower than a second explain a long tail.
/// </summary>
public sealed class HttpAttempts : IDisposable
{
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(1);

    readonly MeterListener listener = new();
    readonly ConcurrentDictionary<string, Counts> byTarget = new();

    sealed class Counts
    {
        public long Attempts, Failed, SlowerThanASecond;
        public double MaxSeconds;
    }

    public HttpAttempts()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "System.Net.Http" && instrument.Name == "http.client.request.duration") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>(OnMeasurement);
        listener.Start();
    }

    void OnMeasurement(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        int? port = null;
        var failed = false;
        foreach (var tag in tags)
        {
            if (tag.Key == "server.port" && tag.Value is int p) port = p;
            // error.type names an exception, or the status code of an error answer; only 5xx and no answer count
            // (storage's 404 and 412 are answers the service expects).
            else if (tag.Key == "error.type" && tag.Value is string error && !(error.Length == 3 && error[0] == '4')) failed = true;
        }
        var counts = byTarget.GetOrAdd(port is { } known && BenchAzurite.StoragePorts.ContainsKey(known) ? "storage" : "loopback", _ => new Counts());
        lock (counts)
        {
            counts.Attempts++;
            if (failed) counts.Failed++;
            if (seconds >= Slow.TotalSeconds) counts.SlowerThanASecond++;
            counts.MaxSeconds = Math.Max(counts.MaxSeconds, seconds);
        }
    }

    /// <summary>Counts so far; <see cref="Since"/> turns two of them into one phase's.</summary>
    public JsonObject Snapshot() => new(byTarget.OrderBy(t => t.Key).Select(t =>
    {
        lock (t.Value)
        {
            return KeyValuePair.Create(t.Key, (JsonNode?)new JsonObject
            {
                ["attempts"] = t.Value.Attempts,
                ["failed"] = t.Value.Failed,
                ["slowerThan1s"] = t.Value.SlowerThanASecond,
                ["maxSeconds"] = Math.Round(t.Value.MaxSeconds, 2),
            });
        }
    }));

    public static JsonObject Since(JsonObject before, JsonObject after)
    {
        var result = new JsonObject();
        foreach (var (target, node) in after)
        {
            var now = node!.AsObject();
            var then = before[target]?.AsObject();
            long Delta(string key) => now[key]!.GetValue<long>() - (then?[key]?.GetValue<long>() ?? 0);
            result[target] = new JsonObject
            {
                ["attempts"] = Delta("attempts"),
                ["failed"] = Delta("failed"),
                ["slowerThan1s"] = Delta("slowerThan1s"),
            };
        }
        return result;
    }

    public void Dispose() => listener.Dispose();
}
