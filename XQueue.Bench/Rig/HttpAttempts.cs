using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;

namespace XQueue.Bench.Rig;

/// <summary>
/// Every HTTP request this process sends (.NET's <c>http.client.request.duration</c>), by target: storage (a
/// rig's Azurite) or anything else on loopback (the service, the LMS listener, the cold-start handler). Each
/// transport attempt counts, so storage retries show up here while the service's own counter counts a retried
/// call once. Kept per phase: failed attempts (by error type) and attempts slower than a second explain a tail.
/// </summary>
public sealed class HttpAttempts : IDisposable
{
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(1);

    readonly MeterListener listener = new();
    readonly ConcurrentDictionary<(string Target, string Kind), long> counts = new();

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
        string? error = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "server.port" && tag.Value is int p) port = p;
            // error.type names an exception, or the status code of an error answer. Storage's 404 and 412 are
            // answers the service expects, so only 5xx and no answer count as failures.
            else if (tag.Key == "error.type" && tag.Value is string type && !(type.Length == 3 && type[0] == '4')) error = type;
        }
        var target = port is { } known && BenchRig.StoragePorts.ContainsKey(known) ? "storage" : "loopback";
        Add(target, "attempts");
        if (seconds >= Slow.TotalSeconds) Add(target, "slowerThan1s");
        if (error is null) return;
        // A request given up by its caller (the service shutting down between rigs) is not a failure of the target.
        if (error.EndsWith("CanceledException", StringComparison.Ordinal)) Add(target, "canceled");
        else Add(target, "failed:" + error);
    }

    void Add(string target, string kind) => counts.AddOrUpdate((target, kind), 1, (_, n) => n + 1);

    /// <summary>Counts so far; <see cref="Since"/> turns two of them into one phase's.</summary>
    public IReadOnlyDictionary<(string Target, string Kind), long> Snapshot() => counts.ToDictionary();

    /// <summary>{"storage": {"attempts": n, "slowerThan1s": n, "canceled": n, "failed": {"connection_error": n}}, "loopback": {…}}</summary>
    public static JsonObject Since(IReadOnlyDictionary<(string Target, string Kind), long> before, IReadOnlyDictionary<(string Target, string Kind), long> after)
    {
        var result = new JsonObject();
        foreach (var target in after.Keys.Select(k => k.Target).Distinct().Order(StringComparer.Ordinal))
        {
            long Delta((string, string) key) => after.GetValueOrDefault(key) - before.GetValueOrDefault(key);
            var failed = after.Keys.Where(k => k.Target == target && k.Kind.StartsWith("failed:", StringComparison.Ordinal))
                .Select(k => (Type: k.Kind["failed:".Length..], Count: Delta(k)))
                .Where(f => f.Count > 0)
                .ToArray();
            result[target] = new JsonObject
            {
                ["attempts"] = Delta((target, "attempts")),
                ["slowerThan1s"] = Delta((target, "slowerThan1s")),
                ["canceled"] = Delta((target, "canceled")),
                ["failed"] = new JsonObject(failed.Select(f => KeyValuePair.Create(f.Type, (JsonNode?)f.Count))),
            };
        }
        return result;
    }

    public void Dispose() => listener.Dispose();
}
