using Azure.Data.Tables;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>
/// Submissions currently held by a grader, one partition per work queue. The Storage Queue's
/// approximate count includes invisible (pulled) messages; subtracting the live entries here gives the
/// legacy queue length ("a pulled submission is not counted until it is requeued") without reading history.
/// </summary>
public sealed class InflightIndex(StorageAccount storage, StorageNames names, TimeProvider time)
{
    readonly TableClient table = storage.GetTable(names.InflightTable);

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public Task MarkAsync(string workQueue, long submissionId, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(workQueue, SubmissionId.PartitionKey(submissionId)) { ["Until"] = until };
        return table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public Task ClearAsync(string workQueue, long submissionId, CancellationToken cancellationToken = default) =>
        table.DeleteEntityAsync(workQueue, SubmissionId.PartitionKey(submissionId), cancellationToken: cancellationToken);

    public async Task<int> CountLiveAsync(string workQueue, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {workQueue} and Until gt {time.GetUtcNow()}");
        var count = 0;
        await foreach (var _ in table.QueryAllAsync(filter, ["RowKey"], cancellationToken)) count++;
        return count;
    }

    /// <summary>Removes entries whose lease ended without a result (a grader that crashed or gave up).</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"Until le {time.GetUtcNow()}");
        var page = await table.QueryPageAsync(filter, top: 500, select: [], cancellationToken: cancellationToken);
        // Each as read: an entry pulled again since the query has a new ETag, is live, and stays.
        return await table.DeleteAllAsync(page.Entities, cancellationToken);
    }
}
