using Azure.Data.Tables;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Metrics;

/// <summary>Each queue's minutes from <see cref="From"/> to <see cref="To"/> (the current minute), oldest first.</summary>
public sealed record QueueHistories(DateTimeOffset From, DateTimeOffset To, IReadOnlyDictionary<string, IReadOnlyList<QueueMinute>> Minutes);

/// <summary>
/// The last hours of every queue, one small row per queue and minute (partition = the queue, row = the minute), so
/// that a chart of six hours is one query of at most 361 rows whatever the history and the number of instances, and
/// every instance draws the same chart. A timer writes them once a minute (<see cref="RecordAsync"/>): the minute's gauges from
/// a read of each queue's own counts (<see cref="QueueOverview.QueueAsync"/>; not the shared <see cref="OverviewSnapshot"/>,
/// whose readers expect figures no older than their own look), and what finished in each of the last few minutes from <see cref="ResultCounts"/> and
/// <see cref="ServiceLatencies"/>, rewritten until every instance has flushed its counts of that minute. Rows are
/// merged, so two instances recording in one minute (standalone, each does) leave the later one's gauges and the same finished figures.
/// </summary>
public sealed class QueueHistory(
    StorageAccount storage, StorageNames names, QueueCatalog catalog, QueueOverview overview, ResultCounts counts,
    ServiceLatencies latencies, TimeProvider time)
{
    /// <summary>How far back the charts reach.</summary>
    public static readonly TimeSpan Shown = TimeSpan.FromHours(6);

    // A minute's finished figures are complete once every instance has flushed it (every 10 s): a record a minute
    // rewrites the last three, so each minute is written whole at least once.
    static readonly TimeSpan Rewritten = TimeSpan.FromMinutes(3);
    static readonly TimeSpan Kept = Shown + TimeSpan.FromHours(1);
    static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);
    const int PruneBatch = 100;

    readonly TableClient table = storage.GetTable(names.QueueHistoryTable);
    DateTimeOffset lastPrune = DateTimeOffset.MinValue;

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Writes this minute's row of every queue and rewrites the last few minutes' finished figures.</summary>
    /// <returns>How many rows were written.</returns>
    public async Task<int> RecordAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var from = now - Rewritten;
        var figuresRead = Task.WhenAll(catalog.Names.Select(queue => overview.QueueAsync(queue, cancellationToken)));
        var finishedRead = counts.PerMinuteAsync(from, cancellationToken);
        var gradingRead = latencies.PerMinuteAsync(XQueueMetrics.Grading, from, cancellationToken);
        var figures = (await figuresRead).ToDictionary(q => q.Queue, StringComparer.Ordinal);
        var (finished, grading) = (await finishedRead, await gradingRead);

        var current = PerMinuteTable.Minute(now);
        var minutes = Enumerable.Range(0, (int)Rewritten.TotalMinutes + 1).Select(m => PerMinuteTable.Minute(from.AddMinutes(m))).ToArray();
        var rows = new List<TableEntity>();
        foreach (var queue in catalog.Names)
        {
            foreach (var minute in minutes)
            {
                var row = new TableEntity(PerMinuteTable.QueueKey(queue), minute)
                {
                    ["Queue"] = queue,
                    ["Graded"] = finished.TryGetValue((minute, queue), out var done) ? done.Graded : 0,
                };
                if (grading.TryGetValue((minute, queue), out var took) && took is { Count: > 0, P50: { } p50, P95: { } p95 })
                {
                    row["GradingP50"] = p50;
                    row["GradingP95"] = p95;
                }
                if (minute == current && figures.TryGetValue(queue, out var seen))
                {
                    row["Waiting"] = seen.Waiting;
                    row["InFlight"] = seen.InFlight;
                    row["OldestWaiting"] = seen.OldestWaitingAge?.TotalSeconds ?? 0;
                }
                rows.Add(row);
            }
        }
        await table.MergeAllAsync(rows, cancellationToken);
        await PruneAsync(now, cancellationToken);
        return rows.Count;
    }

    /// <summary>
    /// Each queue's minutes of the last <see cref="Shown"/> up to the current minute, one query per queue, run together.
    /// The window is whole minutes, so two instances asked in the same minute answer alike.
    /// </summary>
    public async Task<QueueHistories> ReadAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default)
    {
        var to = PerMinuteTable.ParseMinute(PerMinuteTable.Minute(time.GetUtcNow()));
        var from = to - Shown;
        var since = PerMinuteTable.Minute(from);
        var reads = queues.Select(async queue => (queue, minutes: await ReadAsync(queue, since, cancellationToken)));
        return new QueueHistories(from, to, (await Task.WhenAll(reads)).ToDictionary(r => r.queue, r => r.minutes, StringComparer.Ordinal));
    }

    async Task<IReadOnlyList<QueueMinute>> ReadAsync(string queue, string since, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PerMinuteTable.QueueKey(queue)} and RowKey ge {since}");
        var minutes = new List<QueueMinute>();
        await foreach (var row in table.QueryAllAsync(filter, cancellationToken: cancellationToken))
        {
            minutes.Add(new QueueMinute(
                PerMinuteTable.ParseMinute(row.RowKey), row.GetInt32("Waiting"), row.GetInt32("InFlight"), row.GetDouble("OldestWaiting"),
                row.GetInt32("Graded") ?? 0, row.GetDouble("GradingP50"), row.GetDouble("GradingP95")));
        }
        return minutes;
    }

    // Rows older than the charts reach, a batch per queue at most every ten minutes.
    async Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now - lastPrune < PruneEvery) return;
        lastPrune = now;
        var before = PerMinuteTable.Minute(now - Kept);
        foreach (var queue in catalog.Names)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PerMinuteTable.QueueKey(queue)} and RowKey lt {before}");
            var old = await table.QueryPageAsync(filter, top: PruneBatch, select: [], cancellationToken: cancellationToken);
            await table.DeleteAllAsync(old.Entities.Select(row => new TableEntity(row.PartitionKey, row.RowKey)), cancellationToken);
        }
    }
}
