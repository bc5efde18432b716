using Azure;
using Azure.Data.Tables;

namespace XQueue.Functions.Storage;

/// <summary>
/// Writes that share a partition go to the service together: one entity group transaction (all or nothing, at
/// most 100 actions) per partition instead of one request per entity.
/// </summary>
public static class TableBatches
{
    /// <summary>The service's limit on actions in one transaction.</summary>
    public const int MaxActions = 100;

    /// <summary>Inserts or replaces every row.</summary>
    public static Task UpsertAllAsync(this TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken = default) =>
        SubmitAllAsync(table, TableTransactionActionType.UpsertReplace, rows, cancellationToken);

    /// <summary>Inserts every row, or sets the properties it carries on the row there and leaves the others as they are.</summary>
    public static Task MergeAllAsync(this TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken = default) =>
        SubmitAllAsync(table, TableTransactionActionType.UpsertMerge, rows, cancellationToken);

    static async Task SubmitAllAsync(TableClient table, TableTransactionActionType action, IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var group in Groups(rows))
        {
            await table.SubmitTransactionAsync(group.Select(row => new TableTransactionAction(action, row)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes every row still as it was read (its ETag; any state when it carries none).
    /// A transaction fails whole when one of its rows changed or went meanwhile; those rows are then deleted
    /// one by one, and the changed ones stay.
    /// </summary>
    /// <returns>How many rows were deleted.</returns>
    public static async Task<int> DeleteAllAsync(this TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        foreach (var group in Groups(rows))
        {
            try
            {
                await table.SubmitTransactionAsync(
                    group.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, Match(row))), cancellationToken).ConfigureAwait(false);
                deleted += group.Length;
            }
            catch (TableTransactionFailedException)
            {
                foreach (var row in group) deleted += await DeleteOneAsync(table, row, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }
        return deleted;
    }

    static async Task<bool> DeleteOneAsync(TableClient table, TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            return await table.DeleteIfExistsAsync(row.PartitionKey, row.RowKey, Match(row), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false; // changed since it was read: it stays
        }
    }

    static ETag Match(TableEntity row) => row.ETag == default ? ETag.All : row.ETag;

    static IEnumerable<TableEntity[]> Groups(IEnumerable<TableEntity> rows) =>
        rows.GroupBy(row => row.PartitionKey, StringComparer.Ordinal).SelectMany(partition => partition.Chunk(MaxActions));
}
