using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>Where a pull's lease stands: the message's receipt now, and until when it is hidden.</summary>
public sealed record ExtendedLease(string Receipt, DateTimeOffset Until);

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

    /// <summary>
    /// The leases a key's message may stand under, to be tried in turn: as the pull left it, then (read only when the
    /// caller asks for it, because the first was refused) as the last extend recorded it.
    /// </summary>
    public async IAsyncEnumerable<ExtendedLease> CandidatesAsync(
        PullKey key, TimeSpan processingDelay, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new ExtendedLease(key.Receipt, key.PulledAt + processingDelay);
        if (await FindAsync(key, cancellationToken) is { } extended && extended.Receipt != key.Receipt) yield return extended;
    }

    /// <summary>The lease of this pull as extended last, or null when it never was.</summary>
    async Task<ExtendedLease?> FindAsync(PullKey key, CancellationToken cancellationToken)
    {
        var row = await table.FindAsync(names.WorkQueue(key.Queue), RowKey(key.Id), cancellationToken);
        if (row is null || row.GetString("MessageId") != key.MessageId || row.GetString("KeyReceipt") != key.Receipt) return null;
        return new ExtendedLease(row.GetString("Receipt"), row.GetDateTimeOffset("Until") ?? key.PulledAt);
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
    public async Task PurgeAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var old = new List<TableEntity>();
        await foreach (var row in table.QueryAllAsync(TableClient.CreateQueryFilter($"Until lt {now - KeptAfterLease}"), [], cancellationToken)) old.Add(row);
        await table.DeleteAllAsync(old, cancellationToken);
    }

    static string RowKey(long id) => id.ToString("D19", CultureInfo.InvariantCulture);
}
