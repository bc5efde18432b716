using XQueue.Functions.Metrics;

namespace XQueue.Functions.Tests.Metrics;

/// <summary>The histogram instances add up: percentiles within 2 % of the measured ones, whatever the scale, and sums that add.</summary>
public sealed class DurationBucketsTests
{
    [Theory]
    [InlineData(0.0015)]
    [InlineData(0.042)]
    [InlineData(1.7)]
    [InlineData(95)]
    [InlineData(7200)]
    public void A_duration_reads_back_within_two_percent(double seconds)
    {
        var read = DurationBuckets.Middle(DurationBuckets.Of(seconds));
        Assert.InRange(read, seconds * 0.98, seconds * 1.02);
    }

    [Fact]
    public void Histograms_written_by_two_instances_add_up_to_the_percentiles_of_all_their_measurements()
    {
        var first = Histogram(Enumerable.Range(1, 50).Select(i => i / 100.0));   // 0.01 … 0.50 s
        var second = Histogram(Enumerable.Range(51, 50).Select(i => i / 100.0)); // 0.51 … 1.00 s
        var sum = new Dictionary<int, long>();
        DurationBuckets.AddTo(sum, DurationBuckets.Write(first));
        DurationBuckets.AddTo(sum, DurationBuckets.Write(second));
        DurationBuckets.AddTo(sum, "not:a;pair"); // a row it cannot read adds nothing

        var percentiles = DurationBuckets.Percentiles(sum);

        Assert.Equal(100, percentiles.Count);
        Assert.InRange(percentiles.P50!.Value, 0.50 * 0.98, 0.50 * 1.02);
        Assert.InRange(percentiles.P95!.Value, 0.95 * 0.98, 0.95 * 1.02);
        Assert.InRange(percentiles.P99!.Value, 0.99 * 0.98, 0.99 * 1.02);
        Assert.Equal(new Percentiles(0, null, null, null), DurationBuckets.Percentiles(new Dictionary<int, long>()));
    }

    static Dictionary<int, int> Histogram(IEnumerable<double> durations)
    {
        var counts = new Dictionary<int, int>();
        foreach (var bucket in durations.Select(DurationBuckets.Of)) counts[bucket] = counts.GetValueOrDefault(bucket) + 1;
        return counts;
    }
}
