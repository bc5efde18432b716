using System.Text.Json;
using Azure.Data.Tables;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>
/// Submissions a grader holds, so the queue length can leave them out (legacy: "a pulled submission is not
/// counted until it is requeued"); a Storage Queue's count includes the messages graders hold. Each instance
/// keeps its own holds in memory, so a pull or a result costs no storage call, and publishes them as one row of
/// the in-flight table (partition "holds", row = instance) at most four times a second, and only when they
/// changed. A count is exact for this instance's holds and sees the other instances' within about a second: their
/// rows are read at most once a second. A hold ends by itself when its lease does (a grader that never answered).
/// A result taken by another instance than the one that handed the submission out releases the hold there, for as
/// long as the hold could last.
/// </summary>
public sealed class InflightIndex(StorageAccount storage, StorageNames names, TimeProvider time, ILogger<InflightIndex> log) : BackgroundService
{
    const string Partition = "holds";
    const int ChunkChars = 30_000; // a string property holds at most 32K UTF-16 characters
    static readonly TimeSpan PublishEvery = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan OthersFor = TimeSpan.FromSeconds(1);

    readonly TableClient table = storage.GetTable(names.InflightTable);
    readonly string instance = Guid.NewGuid().ToString("N")[..12];
    readonly Dictionary<(string Queue, long Id), Span> holds = new();
    readonly Dictionary<(string Queue, long Id), Span> releases = new();
    bool changed;
    (Task<IReadOnlyList<Published>> Rows, DateTimeOffset At)? others;

    /// <summary>When it began (the pull, or the release) and until when it can matter (the lease's end).</summary>
    sealed record Span(long From, long Until);

    /// <summary>Another instance's holds and releases, as it last published them.</summary>
    sealed record Published(string Instance, DateTimeOffset? At, List<Entry> Holds, List<Entry> Releases);

    public sealed record Entry(string Queue, long Id, long From, long Until);

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public Task MarkAsync(string workQueue, long submissionId, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        lock (holds)
        {
            holds[(workQueue, submissionId)] = new Span(Now(), until.ToUnixTimeMilliseconds());
            releases.Remove((workQueue, submissionId));
            changed = true;
        }
        return Task.CompletedTask;
    }

    /// <summary>The hold ends: the submission was answered, failed or retired, and its message is going.</summary>
    public async Task ClearAsync(string workQueue, long submissionId, CancellationToken cancellationToken = default)
    {
        lock (holds)
        {
            if (holds.Remove((workQueue, submissionId)))
            {
                changed = true;
                return;
            }
        }
        // Handed out by another instance: release its hold here until it would have ended.
        var elsewhere = (await OthersAsync(cancellationToken)).SelectMany(row => row.Holds)
            .Where(hold => hold.Queue == workQueue && hold.Id == submissionId).MaxBy(hold => hold.Until);
        if (elsewhere is null) return;
        lock (holds)
        {
            releases[(workQueue, submissionId)] = new Span(Now(), elsewhere.Until);
            changed = true;
        }
    }

    public async Task<int> CountLiveAsync(string workQueue, CancellationToken cancellationToken = default)
    {
        var now = Now();
        var theirs = await OthersAsync(cancellationToken);
        HashSet<long> live;
        List<Entry> released;
        lock (holds)
        {
            live = holds.Where(h => h.Key.Queue == workQueue && h.Value.Until > now).Select(h => h.Key.Id).ToHashSet();
            released = releases.Where(r => r.Key.Queue == workQueue).Select(r => new Entry(workQueue, r.Key.Id, r.Value.From, r.Value.Until)).ToList();
        }
        released.AddRange(theirs.SelectMany(row => row.Releases).Where(r => r.Queue == workQueue));
        foreach (var hold in theirs.SelectMany(row => row.Holds).Where(h => h.Queue == workQueue && h.Until > now))
        {
            if (!released.Any(r => r.Id == hold.Id && r.From >= hold.From)) live.Add(hold.Id);
        }
        return live.Count;
    }

    /// <summary>Forgets this instance's holds whose lease ran out, and the rows of instances gone for an hour.</summary>
    /// <returns>How many holds ran out (graders that did not answer in time).</returns>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = Now();
        int expired;
        lock (holds)
        {
            var ended = holds.Where(h => h.Value.Until <= now).Select(h => h.Key).ToList();
            foreach (var key in ended) holds.Remove(key);
            foreach (var key in releases.Where(r => r.Value.Until <= now).Select(r => r.Key).ToList()) releases.Remove(key);
            expired = ended.Count;
            changed |= expired > 0;
        }
        var gone = (await ReadRowsAsync(cancellationToken)).Where(row => row.Instance != instance && row.At < time.GetUtcNow().AddHours(-1));
        await table.DeleteAllAsync(gone.Select(row => new TableEntity(Partition, row.Instance)), cancellationToken);
        return expired;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PublishEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PublishAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "In-flight holds could not be published; the next tick tries again");
            }
        }
    }

    async Task PublishAsync(CancellationToken cancellationToken)
    {
        string json;
        lock (holds)
        {
            if (!changed) return;
            changed = false;
            var now = Now();
            json = JsonSerializer.Serialize(new[]
            {
                holds.Where(h => h.Value.Until > now).Select(h => new Entry(h.Key.Queue, h.Key.Id, h.Value.From, h.Value.Until)).ToList(),
                releases.Where(r => r.Value.Until > now).Select(r => new Entry(r.Key.Queue, r.Key.Id, r.Value.From, r.Value.Until)).ToList(),
            }, InflightJson.Default.ListEntryArray);
        }
        var row = new TableEntity(Partition, instance);
        for (var chunk = 0; chunk * ChunkChars < json.Length; chunk++)
        {
            row[$"Part{chunk}"] = json.Substring(chunk * ChunkChars, Math.Min(ChunkChars, json.Length - chunk * ChunkChars));
        }
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    // Concurrent counts share one read of the others' rows, and its result serves for a second.
    Task<IReadOnlyList<Published>> OthersAsync(CancellationToken cancellationToken)
    {
        lock (holds)
        {
            if (others is { } cached && time.GetUtcNow() - cached.At < OthersFor && !cached.Rows.IsFaulted) return cached.Rows;
            var reading = ReadOthersAsync(cancellationToken);
            others = (reading, time.GetUtcNow());
            return reading;
        }
    }

    async Task<IReadOnlyList<Published>> ReadOthersAsync(CancellationToken cancellationToken) =>
        (await ReadRowsAsync(cancellationToken)).Where(row => row.Instance != instance).ToList();

    async Task<List<Published>> ReadRowsAsync(CancellationToken cancellationToken)
    {
        var rows = new List<Published>();
        await foreach (var row in table.QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            var json = string.Concat(Enumerable.Range(0, row.Count).Select(i => row.GetString($"Part{i}")).TakeWhile(part => part is not null));
            var lists = json.Length == 0 ? null : JsonSerializer.Deserialize(json, InflightJson.Default.ListEntryArray);
            rows.Add(new Published(row.RowKey, row.Timestamp, lists?.ElementAtOrDefault(0) ?? [], lists?.ElementAtOrDefault(1) ?? []));
        }
        return rows;
    }

    long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}

[System.Text.Json.Serialization.JsonSerializable(typeof(List<InflightIndex.Entry>[]))]
internal sealed partial class InflightJson : System.Text.Json.Serialization.JsonSerializerContext;
