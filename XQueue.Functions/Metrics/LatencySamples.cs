namespace XQueue.Functions.Metrics;

/// <summary>Percentiles of one series: count and nearest-rank p50/p95/p99, in its unit (seconds for latencies); null when nothing was measured.</summary>
public sealed record Percentiles(int Count, double? P50, double? P95, double? P99)
{
    /// <summary>Nothing measured.</summary>
    public static readonly Percentiles None = new(0, null, null, null);
}

/// <summary>
/// The latest measurements of one series, kept for percentiles over a recent window: a ring of at most
/// <see cref="Capacity"/> samples, so memory stays bounded at any rate (at a higher rate the window is shorter).
/// </summary>
public sealed class LatencySamples
{
    public const int Capacity = 4096;

    readonly (long At, double Value)[] ring = new (long, double)[Capacity];
    int next, count;

    public void Add(long at, double value)
    {
        lock (ring)
        {
            ring[next] = (at, value);
            next = (next + 1) % Capacity;
            count = Math.Min(count + 1, Capacity);
        }
    }

    public Percentiles Since(long from)
    {
        double[] values;
        lock (ring)
        {
            values = ring.Take(count).Where(s => s.At >= from).Select(s => s.Value).ToArray();
        }
        if (values.Length == 0) return Percentiles.None;
        Array.Sort(values);
        double Rank(double p) => Math.Round(values[Math.Max(0, (int)Math.Ceiling(p * values.Length) - 1)], 6);
        return new Percentiles(values.Length, Rank(0.50), Rank(0.95), Rank(0.99));
    }
}
