using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Hosting;

namespace XQueue.Bench.Rig;

/// <summary>
/// Listens to the service's storage-request counter (Meter <c>XQueue.Storage</c>, instrument
/// <c>xqueue.storage.requests</c>, tags <c>service</c> and <c>operation</c>) and files every call under
/// the legacy endpoint whose request made it. Calls made outside a request (the delivery worker, the
/// sweep) are filed under <see cref="Background"/>. The endpoint is known through a bench-only middleware
/// (<see cref="TagRequests"/>) that the service is started with, in front of its own pipeline.
/// </summary>
public sealed class StorageCallMeter : IDisposable
{
    public const string MeterName = "XQueue.Storage";
    public const string InstrumentName = "xqueue.storage.requests";
    public const string Background = "background";

    /// <summary>get_submission with <c>wait=</c> (long-poll), filed apart from plain polls.</summary>
    public const string LongPoll = "get_submission+wait";

    static readonly AsyncLocal<string?> currentEndpoint = new();

    readonly MeterListener listener = new();
    readonly ConcurrentDictionary<(string Endpoint, string Operation), long> counts = new();

    public StorageCallMeter()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>(OnMeasurement);
        listener.Start();
    }

    /// <summary>Registers the middleware that names the endpoint of each request (pass to the service's overrides).</summary>
    public static void TagRequests(IServiceCollection services) => services.AddSingleton<IStartupFilter, EndpointTagFilter>();

    void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? service = null, operation = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "service") service = tag.Value as string;
            else if (tag.Key == "operation") operation = tag.Value as string;
        }
        var name = operation ?? $"{service}.unknown"; // operations are named "<service>.<verb>", e.g. queue.receive
        counts.AddOrUpdate((currentEndpoint.Value ?? Background, name), value, (_, total) => total + value);
    }

    /// <summary>Every count so far, by endpoint and operation.</summary>
    public StorageCalls Snapshot() => new(counts.ToDictionary(pair => pair.Key, pair => pair.Value));

    public void Dispose() => listener.Dispose();

    sealed class EndpointTagFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                var endpoint = EndpointName(context.Request.Path);
                currentEndpoint.Value = endpoint == "get_submission" && context.Request.Query.ContainsKey("wait") ? LongPoll : endpoint;
                await nextMiddleware(context);
            });
            next(app);
        };

        // "/xqueue/get_submission/" → "get_submission"
        static string EndpointName(PathString path) => path.Value?.Trim('/') is { } p && p.StartsWith("xqueue/", StringComparison.Ordinal) ? p["xqueue/".Length..] : path.Value ?? "";
    }
}

/// <summary>Storage calls counted between two snapshots, by endpoint and operation.</summary>
public sealed record StorageCalls(IReadOnlyDictionary<(string Endpoint, string Operation), long> Counts)
{
    public StorageCalls Minus(StorageCalls earlier) => new(Counts
        .Select(pair => (pair.Key, Value: pair.Value - earlier.Counts.GetValueOrDefault(pair.Key)))
        .Where(pair => pair.Value != 0)
        .ToDictionary(pair => pair.Key, pair => pair.Value));

    public long Total(string endpoint) => Counts.Where(pair => pair.Key.Endpoint == endpoint).Sum(pair => pair.Value);

    public IReadOnlyDictionary<string, long> Operations(string endpoint) => Counts
        .Where(pair => pair.Key.Endpoint == endpoint)
        .OrderBy(pair => pair.Key.Operation, StringComparer.Ordinal)
        .ToDictionary(pair => pair.Key.Operation, pair => pair.Value);

    public IEnumerable<string> Endpoints => Counts.Keys.Select(key => key.Endpoint).Distinct().Order(StringComparer.Ordinal);
}
