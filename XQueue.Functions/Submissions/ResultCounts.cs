using Azure.Data.Tables;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>Submissions finished in a period: graded (a grader's result), retired (graded, superseded or by an operator) and failed.</summary>
public sealed record FinishedCounts(int Graded, int Retired, int Failed);

/// <summary>
/// How many submissions each queue finished per minute, for the dashboard's "graded per minute" and
/// "retired in the last hour" without reading history and without a storage call on put_result: each
/// instance counts in memory and writes its per-minute totals (one row per minute, queue and instance)
/// every few seconds in the background, and before it reads. Readers read every instance's rows from storage,
/// so every instance shows the service's figure. A crash loses that instance's last unflushed seconds of
/// counts — statistics, not submissions.
/// </summary>
public sealed class ResultCounts(StorageAccount storage, StorageNames names, TimeProvider time, ILogger<ResultCounts> log)
    : PerMinuteTable(storage.GetTable(names.ResultCountsTable), TimeSpan.FromHours(3), time, log)
{
    readonly string instance = Guid.NewGuid().ToString("N")[..12];
    readonly Dictionary<(string Minute, string Queue), int[]> counts = new();

    public void Finished(string queue, SubmissionStatus status, RetireReason? reason)
    {
        var slot = (Minute(Time.GetUtcNow()), queue);
        lock (counts)
        {
            if (!counts.TryGetValue(slot, out var c)) counts[slot] = c = new int[3];
            if (reason == RetireReason.Graded && status == SubmissionStatus.Retired) c[0]++;
            if (status == SubmissionStatus.Retired) c[1]++;
            if (status == SubmissionStatus.Failed) c[2]++;
        }
    }

    /// <summary>
    /// Per queue, what finished in each of <paramref name="periods"/> (whole minutes, this one included), from one
    /// read of the longest (<see cref="PerMinuteAsync"/>): every instance's rows from storage, never from memory, so
    /// two instances asked at once give the same answer (the others' counts lag by at most one flush).
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, FinishedCounts>>> SinceAsync(
        IReadOnlyList<TimeSpan> periods, CancellationToken cancellationToken = default)
    {
        var now = Time.GetUtcNow();
        var perMinute = await PerMinuteAsync(now - periods.Max() + TimeSpan.FromMinutes(1), cancellationToken);
        return periods.Select(period =>
        {
            var first = Minute(now - period + TimeSpan.FromMinutes(1));
            return (IReadOnlyDictionary<string, FinishedCounts>)perMinute
                .Where(slot => string.CompareOrdinal(slot.Key.Minute, first) >= 0)
                .GroupBy(slot => slot.Key.Queue, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(slot => slot.Value).Aggregate(Add), StringComparer.Ordinal);
        }).ToArray();
    }

    /// <summary>
    /// Per minute (as <see cref="PerMinuteTable.Minute"/> keys it) and queue, what finished from the minute of
    /// <paramref name="from"/> on: this instance's counts are written first, then every instance's rows are added up.
    /// </summary>
    public async Task<IReadOnlyDictionary<(string Minute, string Queue), FinishedCounts>> PerMinuteAsync(DateTimeOffset from, CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken);
        var totals = new Dictionary<(string Minute, string Queue), FinishedCounts>();
        await foreach (var row in RowsSinceAsync(from, cancellationToken))
        {
            var slot = (row.PartitionKey, row.GetString("Queue") ?? "");
            var counted = new FinishedCounts(row.GetInt32("Graded") ?? 0, row.GetInt32("Retired") ?? 0, row.GetInt32("Failed") ?? 0);
            totals[slot] = totals.TryGetValue(slot, out var sum) ? Add(sum, counted) : counted;
        }
        return totals;
    }

    static FinishedCounts Add(FinishedCounts a, FinishedCounts b) => new(a.Graded + b.Graded, a.Retired + b.Retired, a.Failed + b.Failed);

    public override async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var now = Time.GetUtcNow();
        List<(string Minute, string Queue, int[] Counts)> rows;
        lock (counts)
        {
            var oldest = Minute(now - TimeSpan.FromHours(1) - FlushInterval);
            foreach (var stale in counts.Keys.Where(k => string.CompareOrdinal(k.Minute, oldest) < 0).ToArray()) counts.Remove(stale);
            var current = Minute(now - FlushInterval - FlushInterval);
            rows = counts.Where(c => string.CompareOrdinal(c.Key.Minute, current) >= 0).Select(c => (c.Key.Minute, c.Key.Queue, c.Value.ToArray())).ToList();
        }
        // One transaction per minute (the partition) for all queues' rows.
        await Table.UpsertAllAsync(rows.Select(row => new TableEntity(row.Minute, instance + "-" + QueueKey(row.Queue))
        {
            ["Instance"] = instance,
            ["Queue"] = row.Queue,
            ["Graded"] = row.Counts[0],
            ["Retired"] = row.Counts[1],
            ["Failed"] = row.Counts[2],
        }), cancellationToken);
        await PruneAsync(cancellationToken);
    }
}
