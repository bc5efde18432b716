using Azure.Data.Tables;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Metrics;

/// <summary>
/// The latency percentiles of the whole service, the same whichever instance is asked: each instance adds its
/// measurements to a histogram per minute, queue and phase (<see cref="DurationBuckets"/>) and writes its rows every
/// few seconds (one row per minute, queue, phase and instance; one transaction per minute). A reader writes its own
/// first and then reads every instance's rows of the window from storage, never its memory: what it shows lags the
/// other instances by at most <see cref="PerMinuteTable.FlushInterval"/>, and two instances asked at once give the same answer.
/// No storage call is made on a request's path: a hook adds to memory.
/// </summary>
public sealed class ServiceLatencies(StorageAccount storage, StorageNames names, TimeProvider time, ILogger<ServiceLatencies> log)
    : PerMinuteTable(storage.GetTable(names.LatenciesTable), TimeSpan.FromHours(1), time, log)
{
    /// <summary>Percentiles cover the last five minutes (whole minutes, the current one included).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    readonly string instance = Guid.NewGuid().ToString("N")[..12];
    readonly Dictionary<(string Minute, string Queue, string Phase), Dictionary<int, int>> histograms = new();
    readonly HashSet<(string Minute, string Queue, string Phase)> changed = new();

    /// <summary>A latency phase and the series it is read as: waiting, grading, delivery, endToEnd.</summary>
    public readonly record struct Series(string Queue, string Phase);

    public void Record(string queue, string phase, double seconds)
    {
        var key = (Minute(Time.GetUtcNow()), queue, phase);
        var bucket = DurationBuckets.Of(seconds);
        lock (histograms)
        {
            if (!histograms.TryGetValue(key, out var counts)) histograms[key] = counts = [];
            counts[bucket] = counts.GetValueOrDefault(bucket) + 1;
            changed.Add(key);
        }
    }

    /// <summary>Percentiles per queue and phase over <see cref="Window"/>, from every instance's rows.</summary>
    public Task<IReadOnlyDictionary<Series, Percentiles>> ReadAsync(CancellationToken cancellationToken = default) =>
        SumAsync(Time.GetUtcNow() - Window + TimeSpan.FromMinutes(1), _ => true,
            row => new Series(row.GetString("Queue") ?? "", row.GetString("Phase") ?? ""), cancellationToken);

    /// <summary>Percentiles of one phase per minute (as <see cref="PerMinuteTable.Minute"/> keys it) and queue, from the minute of <paramref name="from"/> on.</summary>
    public Task<IReadOnlyDictionary<(string Minute, string Queue), Percentiles>> PerMinuteAsync(
        string phase, DateTimeOffset from, CancellationToken cancellationToken = default) =>
        SumAsync(from, row => row.GetString("Phase") == phase, row => (row.PartitionKey, row.GetString("Queue") ?? ""), cancellationToken);

    /// <summary>
    /// Writes this instance's rows first, then adds up every instance's histograms from the minute of
    /// <paramref name="from"/> on, of the rows <paramref name="include"/> keeps, per the key <paramref name="keyOf"/> gives each.
    /// </summary>
    async Task<IReadOnlyDictionary<TKey, Percentiles>> SumAsync<TKey>(
        DateTimeOffset from, Func<TableEntity, bool> include, Func<TableEntity, TKey> keyOf, CancellationToken cancellationToken) where TKey : notnull
    {
        await FlushAsync(cancellationToken);
        var sums = new Dictionary<TKey, Dictionary<int, long>>();
        await foreach (var row in RowsSinceAsync(from, cancellationToken))
        {
            if (!include(row)) continue;
            var key = keyOf(row);
            if (!sums.TryGetValue(key, out var sum)) sums[key] = sum = [];
            DurationBuckets.AddTo(sum, row.GetString("Buckets"));
        }
        return sums.ToDictionary(s => s.Key, s => DurationBuckets.Percentiles(s.Value));
    }

    /// <summary>Writes this instance's rows that changed (each row is the minute's whole histogram: rewriting it is harmless).</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var now = Time.GetUtcNow();
        var oldest = Minute(now - Window);
        (string Minute, string Queue, string Phase)[] keys;
        List<TableEntity> rows;
        lock (histograms)
        {
            foreach (var stale in histograms.Keys.Where(k => string.CompareOrdinal(k.Minute, oldest) < 0).ToArray()) histograms.Remove(stale);
            keys = changed.Where(histograms.ContainsKey).ToArray();
            changed.Clear();
            rows = keys.Select(key => new TableEntity(key.Minute, $"{instance}-{QueueKey(key.Queue)}-{key.Phase}")
            {
                ["Queue"] = key.Queue,
                ["Phase"] = key.Phase,
                ["Buckets"] = DurationBuckets.Write(histograms[key]),
            }).ToList();
        }
        try
        {
            await Table.UpsertAllAsync(rows, cancellationToken);
        }
        catch
        {
            lock (histograms) changed.UnionWith(keys);
            throw;
        }
        await PruneAsync(cancellationToken);
    }
}
