using System.Diagnostics;
using System.Text.Json.Nodes;

namespace XQueue.Bench.Rig;

/// <summary>Latencies in milliseconds from any number of concurrent clients; percentiles by nearest rank.</summary>
public sealed class LatencySample
{
    readonly List<double> values = [];

    public int Count
    {
        get { lock (values) return values.Count; }
    }

    public void Add(double milliseconds)
    {
        lock (values) values.Add(milliseconds);
    }

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public void AddSince(long startTimestamp) => Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    public double Percentile(double p)
    {
        double[] sorted;
        lock (values) sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public double P50 => Percentile(50);

    public int CountAbove(double milliseconds)
    {
        lock (values) return values.Count(v => v > milliseconds);
    }

    public JsonObject ToJson() => new()
    {
        ["count"] = Count,
        ["p50"] = Round(Percentile(50)),
        ["p95"] = Round(Percentile(95)),
        ["p99"] = Round(Percentile(99)),
        ["max"] = Round(Percentile(100)),
    };

    static double? Round(double value) => double.IsNaN(value) ? null : Math.Round(value, 2);
}
