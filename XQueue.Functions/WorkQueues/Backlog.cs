using Azure.Data.Tables;
using System.Globalization;
using Azure;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.WorkQueues;

/// <summary>
/// A submission waiting in the backlog: its id, when a refill claimed the row to send it (null until one does; a claim
/// that stays means that refill died before it removed the row), and where the row is (its partition and ETag).
/// </summary>
public sealed record BacklogRow(long Id, DateTimeOffset? ClaimedAt, string Partition, ETag ETag);

/// <summary>The oldest backlog rows, and whether more may follow them.</summary>
public sealed record BacklogPage(IReadOnlyList<BacklogRow> Rows, bool More)
{
    public IReadOnlyList<long> Ids => [.. Rows.Select(row => row.Id)];
}

/// <summary>
/// Submissions waiting beyond their work queue's window (<see cref="QueueWindow"/>), one row each, naming the
/// submission (its entity was written before it). A work queue's rows are spread over one
/// partition per second of submission, keyed so that ascending keys are submission order: the oldest rows are one
/// range query away, a transaction takes a partition's rows, and no partition grows with the backlog (the emulator
/// finds a row by scanning its partition, so one partition of thousands made every refill stall it).
/// </summary>
public sealed class Backlog(StorageAccount storage, StorageNames names)
{
    readonly TableClient table = storage.GetTable(names.BacklogTable);

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>A submission waits here. Its id is unique: its entity was inserted first.</summary>
    public Task AddAsync(string workQueue, long id, CancellationToken cancellationToken = default) =>
        table.AddEntityAsync(new TableEntity(PartitionOf(workQueue, id), RowKey(id)), cancellationToken);

    /// <summary>Removes rows just moved into the queue: one transaction per partition and hundred rows.</summary>
    public Task RemoveAllAsync(IEnumerable<BacklogRow> rows, CancellationToken cancellationToken = default) =>
        table.DeleteAllAsync(rows.Select(row => new TableEntity(row.Partition, RowKey(row.Id))), cancellationToken);

    /// <returns>False when the row is gone already (moved by another refill, or never written).</returns>
    public Task<bool> RemoveAsync(string workQueue, long id, CancellationToken cancellationToken = default) =>
        table.DeleteIfExistsAsync(PartitionOf(workQueue, id), RowKey(id), cancellationToken: cancellationToken);

    /// <summary>The oldest waiting rows, first come first: one query, whatever the backlog's size.</summary>
    public async Task<BacklogPage> OldestAsync(string workQueue, int top, CancellationToken cancellationToken = default)
    {
        var page = await table.QueryPageAsync(Rows(workQueue), top, select: ["Claimed"], cancellationToken: cancellationToken);
        var rows = page.Entities.Select(row => new BacklogRow(
            long.Parse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture), row.GetDateTimeOffset("Claimed"), row.PartitionKey, row.ETag)).ToList();
        return new BacklogPage(rows, page.Continuation is not null || rows.Count >= top);
    }

    /// <summary>
    /// Marks up to a hundred rows of one partition as being sent, each only if unchanged since it was read: one
    /// transaction, so two refills cannot both claim a row.
    /// </summary>
    /// <returns>False when another refill changed or removed one of them first (nothing is claimed then).</returns>
    public async Task<bool> ClaimAsync(IReadOnlyList<BacklogRow> rows, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        try
        {
            await table.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(
                TableTransactionActionType.UpdateMerge, new TableEntity(row.Partition, RowKey(row.Id)) { ["Claimed"] = at }, row.ETag)), cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Rows waiting: one query page per 1,000 rows, so callers cache it (<see cref="QueueLength"/>).</summary>
    public async Task<int> CountAsync(string workQueue, CancellationToken cancellationToken = default)
    {
        var count = 0;
        await foreach (var _ in table.QueryAllAsync(Rows(workQueue), [], cancellationToken)) count++;
        return count;
    }

    /// <summary>Ids are positive and below 2^53, so 19 digits with leading zeros sort as the numbers do.</summary>
    static string RowKey(long id) => id.ToString("D19", CultureInfo.InvariantCulture);

    // "|" sorts after every character of a queue name and "}" right after it: the range holds one work queue's partitions.
    static string PartitionOf(string workQueue, long id) =>
        $"{workQueue}|{SubmissionId.IssuedAt(id).ToUnixTimeSeconds().ToString("D12", CultureInfo.InvariantCulture)}";

    static string Rows(string workQueue) => TableClient.CreateQueryFilter($"PartitionKey gt {workQueue + "|"} and PartitionKey lt {workQueue + "}"}");
}
