using Azure;
using Azure.Data.Tables;

namespace XQueue.Functions.Storage;

/// <summary>The ways the service reads and writes tables, on top of the SDK's client.</summary>
public static class TableOperations
{
    /// <returns>The entity with its ETag, or null when it does not exist.</returns>
    public static async Task<TableEntity?> FindAsync(
        this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Replaces the entity if its ETag still matches the one it carries.</summary>
    /// <returns>The new ETag, or null when someone changed or deleted it since it was read.</returns>
    public static async Task<ETag?> TryReplaceAsync(this TableClient table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <returns>False when there was nothing to delete.</returns>
    public static async Task<bool> DeleteIfExistsAsync(
        this TableClient table, string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default) =>
        (await table.DeleteEntityAsync(partitionKey, rowKey, ifMatch, cancellationToken).ConfigureAwait(false)).Status != 404;

    /// <summary>Every entity matching <paramref name="filter"/>, page after page.</summary>
    /// <param name="select">Properties to return; the keys are always added, since callers address entities by them.</param>
    public static AsyncPageable<TableEntity> QueryAllAsync(
        this TableClient table, string filter, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
        table.QueryAsync<TableEntity>(filter, select: WithKeys(select), cancellationToken: cancellationToken);

    /// <summary>One page of at most <paramref name="top"/> (1-1000) entities; the service may return fewer with a continuation.</summary>
    public static async Task<(IReadOnlyList<TableEntity> Entities, string? Continuation)> QueryPageAsync(
        this TableClient table, string filter, int top, IEnumerable<string>? select = null, string? continuation = null,
        CancellationToken cancellationToken = default)
    {
        var pages = table.QueryAsync<TableEntity>(filter, top, WithKeys(select), cancellationToken).AsPages(continuation, top);
        await foreach (var page in pages.ConfigureAwait(false)) return (page.Values, page.ContinuationToken);
        return ([], null);
    }

    static IEnumerable<string>? WithKeys(IEnumerable<string>? select) =>
        select?.Concat(["PartitionKey", "RowKey"]).Distinct(StringComparer.Ordinal).ToList();
}
