using System.Globalization;
using Azure.Data.Tables;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>A lease extend_lease moved: the message, the receipt its key was made from, the receipt now and until when.</summary>
public sealed record ExtendedLease(string MessageId, string KeyReceipt, string Receipt, DateTimeOffset Until);

/// <summary>
/// Where a key's work message is after extend_lease moved it. Moving a message's visibility gives it a new pop receipt,
/// which the grader's key (made from the pull's receipt) does not carry; so the same key keeps working, on any
/// instance, the new receipt is written here (one row per submission, partition = work queue) and read by put_result
/// and extend_lease only when the key's own receipt is refused. A pull writes nothing here: most submissions never
/// have a row. Rows outlive their lease by an hour and the sweep then removes them.
/// </summary>
public sealed class ExtendedLeases(StorageAccount storage, StorageNames names)
{
    public static readonly TimeSpan KeptAfterLease = TimeSpan.FromHours(1);

    readonly TableClient table = storage.GetTable(names.LeasesTable);

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>The lease of this pull as extended last, or null when the key's receipt is still the message's (never extended).</summary>
    public async Task<ExtendedLease?> FindAsync(PullKey key, CancellationToken cancellationToken = default)
    {
        var row = await table.FindAsync(names.WorkQueue(key.Queue), RowKey(key.Id), cancellationToken);
        if (row is null || row.GetString("MessageId") != key.MessageId || row.GetString("KeyReceipt") != key.Receipt) return null;
        return new ExtendedLease(key.MessageId, key.Receipt, row.GetString("Receipt"), row.GetDateTimeOffset("Until") ?? key.PulledAt);
    }

    public Task RecordAsync(PullKey key, string receipt, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        table.UpsertEntityAsync(new TableEntity(names.WorkQueue(key.Queue), RowKey(key.Id))
        {
            ["MessageId"] = key.MessageId,
            ["KeyReceipt"] = key.Receipt,
            ["Receipt"] = receipt,
            ["Until"] = until,
        }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Removes the rows whose lease ended more than <see cref="KeptAfterLease"/> before <paramref name="now"/>.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var old = new List<TableEntity>();
        await foreach (var row in table.QueryAllAsync(TableClient.CreateQueryFilter($"Until lt {now - KeptAfterLease}"), [], cancellationToken)) old.Add(row);
        await table.DeleteAllAsync(old, cancellationToken);
        return old.Count;
    }

    static string RowKey(long id) => id.ToString("D19", CultureInfo.InvariantCulture);
}
