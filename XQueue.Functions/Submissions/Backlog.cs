using Azure.Data.Tables;
using System.Globalization;
using Azure;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>
/// A submission waiting in the backlog: its id, the work message it will be sent as, and when a refill claimed the
/// row to send it (null until one does; a claim that stays means that refill died before it removed the row).
/// </summary>
public sealed record BacklogRow(long Id, string Message, DateTimeOffset? ClaimedAt, ETag ETag);

/// <summary>The oldest backlog rows, and whether more may follow them.</summary>
public sealed record BacklogPage(IReadOnlyList<BacklogRow> Rows, bool More)
{
    public IReadOnlyList<long> Ids => [.. Rows.Select(row => row.Id)];
}

/// <summary>
/// Submissions waiting beyond their work queue's window (<see cref="QueueWindow"/>): one partition per work
/// queue, one row per submission, keyed so that ascending RowKey is ascending id, i.e. submission order.
/// A row holds the work message its submission will be sent as; its entity was written before it.
/// </summary>
public sealed class Backlog(StorageAccount storage, StorageNames names)
{
    readonly TableClient table = storage.GetTable(names.BacklogTable);

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// A submission waits here, with the text of the work message it will be sent as (its id alone when too long for a
    /// table property: the pull then reads the submission). Its id is unique: its entity was inserted first.
    /// </summary>
    public Task AddAsync(string workQueue, long id, string message, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity(workQueue, RowKey(id));
        if (message.Length <= MaxMessageChars) row["Message"] = message;
        return table.AddEntityAsync(row, cancellationToken);
    }

    /// <summary>Removes the rows of ids just moved into the queue: one transaction per hundred rows.</summary>
    public Task RemoveAllAsync(string workQueue, IEnumerable<long> ids, CancellationToken cancellationToken = default) =>
        table.DeleteAllAsync(ids.Select(id => new TableEntity(workQueue, RowKey(id))), cancellationToken);

    /// <returns>False when the row is gone already (moved by another refill, or never written).</returns>
    public Task<bool> RemoveAsync(string workQueue, long id, CancellationToken cancellationToken = default) =>
        table.DeleteIfExistsAsync(workQueue, RowKey(id), cancellationToken: cancellationToken);

    /// <summary>The oldest waiting rows, first come first: one query, whatever the backlog's size.</summary>
    public async Task<BacklogPage> OldestAsync(string workQueue, int top, CancellationToken cancellationToken = default)
    {
        var page = await table.QueryPageAsync(Partition(workQueue), top, select: ["Message", "Claimed"], cancellationToken: cancellationToken);
        var rows = page.Entities.Select(row =>
        {
            var id = long.Parse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture);
            return new BacklogRow(id, row.GetString("Message") ?? id.ToString(CultureInfo.InvariantCulture), row.GetDateTimeOffset("Claimed"), row.ETag);
        }).ToList();
        return new BacklogPage(rows, page.Continuation is not null || rows.Count >= top);
    }

    /// <summary>
    /// Marks up to a hundred rows as being sent, each only if unchanged since it was read: one transaction, so two
    /// refills cannot both claim a row.
    /// </summary>
    /// <returns>False when another refill changed or removed one of them first (nothing is claimed then).</returns>
    public async Task<bool> ClaimAsync(string workQueue, IReadOnlyList<BacklogRow> rows, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        try
        {
            await table.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(
                TableTransactionActionType.UpdateMerge, new TableEntity(workQueue, RowKey(row.Id)) { ["Claimed"] = at }, row.ETag)), cancellationToken);
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
        await foreach (var _ in table.QueryAllAsync(Partition(workQueue), [], cancellationToken)) count++;
        return count;
    }

    // A string property holds at most 32K UTF-16 characters.
    const int MaxMessageChars = 30_000;

    /// <summary>Ids are positive and below 2^53, so 19 digits with leading zeros sort as the numbers do.</summary>
    static string RowKey(long id) => id.ToString("D19", CultureInfo.InvariantCulture);

    static string Partition(string workQueue) => TableClient.CreateQueryFilter($"PartitionKey eq {workQueue}");
}
