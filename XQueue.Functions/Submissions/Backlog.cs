using Azure.Data.Tables;
using System.Globalization;
using Azure;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>Ids of the oldest backlog rows, and whether more rows may follow them.</summary>
public sealed record BacklogPage(IReadOnlyList<long> Ids, bool More);

/// <summary>
/// Submissions waiting beyond their work queue's window (<see cref="QueueWindow"/>): one partition per work
/// queue, one row per submission, keyed so that ascending RowKey is ascending id, i.e. submission order.
/// A row is only a pointer: the entity holds the submission. A row whose entity was never written (its
/// submit died between the two writes) becomes a message the pull path drops like any other orphan.
/// </summary>
public sealed class Backlog(StorageAccount storage, StorageNames names)
{
    readonly TableClient table = storage.GetTable(names.BacklogTable);

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <returns>False when a row with this id is already waiting (an id collision: the caller draws another).</returns>
    public async Task<bool> TryAddAsync(string workQueue, long id, CancellationToken cancellationToken = default)
    {
        try
        {
            await table.AddEntityAsync(new TableEntity(workQueue, RowKey(id)), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Removes the rows of ids just moved into the queue: one transaction per hundred rows.</summary>
    public Task RemoveAllAsync(string workQueue, IEnumerable<long> ids, CancellationToken cancellationToken = default) =>
        table.DeleteAllAsync(ids.Select(id => new TableEntity(workQueue, RowKey(id))), cancellationToken);

    /// <returns>False when the row is gone already (moved by another refill, or never written).</returns>
    public Task<bool> RemoveAsync(string workQueue, long id, CancellationToken cancellationToken = default) =>
        table.DeleteIfExistsAsync(workQueue, RowKey(id), cancellationToken: cancellationToken);

    /// <summary>The oldest waiting ids, first come first: one query, whatever the backlog's size.</summary>
    public async Task<BacklogPage> OldestAsync(string workQueue, int top, CancellationToken cancellationToken = default)
    {
        var page = await table.QueryPageAsync(Partition(workQueue), top, select: [], cancellationToken: cancellationToken);
        var ids = page.Entities.Select(row => long.Parse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture)).ToList();
        return new BacklogPage(ids, page.Continuation is not null || ids.Count >= top);
    }

    /// <summary>Rows waiting: one query page per 1,000 rows, so callers cache it (<see cref="QueueLength"/>).</summary>
    public async Task<int> CountAsync(string workQueue, CancellationToken cancellationToken = default)
    {
        var count = 0;
        await foreach (var _ in table.QueryAllAsync(Partition(workQueue), [], cancellationToken)) count++;
        return count;
    }

    /// <summary>Ids are positive and below 2^53, so 19 digits with leading zeros sort as the numbers do.</summary>
    static string RowKey(long id) => id.ToString("D19", CultureInfo.InvariantCulture);

    static string Partition(string workQueue) => TableClient.CreateQueryFilter($"PartitionKey eq {workQueue}");
}
