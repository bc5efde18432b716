using System.Globalization;

namespace XQueue.Functions.Metrics;

/// <summary>
/// A duration histogram that instances can add up: buckets growing by 4 % from 1 ms (so a percentile read from it is
/// within 2 % of the measured one, at any scale from milliseconds to days), written as "index:count" pairs. Each
/// instance stores its own per minute; a reader adds every instance's and reads percentiles off the sum.
/// </summary>
public static class DurationBuckets
{
    const double Growth = 1.04;
    static readonly double LogGrowth = Math.Log(Growth);

    /// <summary>The bucket of a duration: 0 holds everything up to 1 ms.</summary>
    public static int Of(double seconds) =>
        seconds <= 0.001 ? 0 : 1 + (int)Math.Floor(Math.Log(seconds * 1000) / LogGrowth);

    /// <summary>A bucket's value: the geometric middle of its bounds, in seconds.</summary>
    public static double Middle(int bucket) =>
        bucket == 0 ? 0.0005 : Math.Pow(Growth, bucket - 0.5) / 1000;

    public static string Write(IReadOnlyDictionary<int, int> counts) =>
        string.Join(';', counts.OrderBy(c => c.Key).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key}:{c.Value}")));

    /// <summary>Adds a written histogram to <paramref name="into"/>; a malformed pair (a row from another version) is skipped.</summary>
    public static void AddTo(Dictionary<int, long> into, string? written)
    {
        foreach (var pair in (written ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(':');
            if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var bucket)
                && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var count))
            {
                into[bucket] = into.GetValueOrDefault(bucket) + count;
            }
        }
    }

    /// <summary>Count and nearest-rank p50/p95/p99 of a summed histogram, each the middle of the bucket holding its rank.</summary>
    public static Percentiles Percentiles(IReadOnlyDictionary<int, long> counts)
    {
        var total = counts.Values.Sum();
        if (total == 0) return Metrics.Percentiles.None;
        var ordered = counts.Where(c => c.Value > 0).OrderBy(c => c.Key).ToArray();
        double Rank(double p)
        {
            var rank = Math.Max(1, (long)Math.Ceiling(p * total));
            long seen = 0;
            foreach (var (bucket, count) in ordered)
            {
                seen += count;
                if (seen >= rank) return Math.Round(Middle(bucket), 6);
            }
            return Math.Round(Middle(ordered[^1].Key), 6);
        }
        return new Percentiles((int)Math.Min(total, int.MaxValue), Rank(0.50), Rank(0.95), Rank(0.99));
    }
}
