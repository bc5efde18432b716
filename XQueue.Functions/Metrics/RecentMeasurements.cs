using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace XQueue.Functions.Metrics;

/// <summary>
/// This instance's own view of its measurements, gathered in process by a <see cref="MeterListener"/>: counter
/// totals since start, and the request times and storage calls per request of the last <see cref="Window"/>
/// (<see cref="LatencySamples"/>). The phase latencies are not sampled here: /xqueue/metrics/ shows the service's
/// (<see cref="ServiceLatencies"/>).
/// It listens to the <c>XQueue</c> meter and ASP.NET Core's request duration, only those of this app's meter
/// factory (<paramref name="scope"/>), so apps sharing a process (tests) do not see each other's.
/// </summary>
public sealed class RecentMeasurements : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public const string RequestDuration = "http.server.request.duration";
    const string AspNetCoreHosting = "Microsoft.AspNetCore.Hosting";

    readonly MeterListener listener = new();
    readonly TimeProvider time;
    readonly ConcurrentDictionary<Series, long> totals = new();
    readonly ConcurrentDictionary<Series, LatencySamples> samples = new();

    /// <param name="Instrument">The instrument's name.</param>
    /// <param name="Subject">The queue (tag <c>queue</c>) or, for requests, the route (tag <c>http.route</c>).</param>
    /// <param name="Outcome">Tag <c>outcome</c>, or empty.</param>
    public readonly record struct Series(string Instrument, string Subject, string Outcome);

    public RecentMeasurements(object scope, TimeProvider time)
    {
        this.time = time;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (!ReferenceEquals(instrument.Meter.Scope, scope) || instrument.IsObservable) return;
            if (instrument.Meter.Name == XQueueMetrics.MeterName || (instrument.Meter.Name == AspNetCoreHosting && instrument.Name == RequestDuration))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => totals.AddOrUpdate(Of(instrument, tags), value, (_, sum) => sum + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == RequestDuration) samples.GetOrAdd(Of(instrument, tags), _ => new LatencySamples()).Add(time.GetTimestamp(), value);
        });
        // The app's int instruments are histograms of counts (storage calls per request): sampled like the latencies.
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
            samples.GetOrAdd(Of(instrument, tags), _ => new LatencySamples()).Add(time.GetTimestamp(), value));
        listener.Start();
    }

    /// <summary>Counter totals since this instance started.</summary>
    public IReadOnlyDictionary<Series, long> Totals() => new Dictionary<Series, long>(totals);

    /// <summary>Percentiles of every histogram series measured within <see cref="Window"/>.</summary>
    public IReadOnlyDictionary<Series, Percentiles> Latencies()
    {
        var from = time.GetTimestamp() - (long)(Window.TotalSeconds * time.TimestampFrequency);
        return samples.ToDictionary(s => s.Key, s => s.Value.Since(from)).Where(p => p.Value.Count > 0).ToDictionary();
    }

    static Series Of(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string subject = "", outcome = "";
        foreach (var (key, value) in tags)
        {
            if (key is "queue" or "http.route") subject = value?.ToString() ?? "";
            else if (key == "outcome") outcome = value?.ToString() ?? "";
        }
        return new Series(instrument.Name, subject, outcome);
    }

    public void Dispose() => listener.Dispose();
}
