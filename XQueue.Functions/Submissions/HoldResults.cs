using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>A result put_result wrote into a hold's row: the text of the accepted submission, the message's receipt, and the row's ETag after the write.</summary>
public sealed record HeldResult(string Queue, long Id, string MessageId, string Receipt, string Text, string RowETag);

/// <summary>
/// Results kept in their hold's row (<see cref="Holds"/>) from put_result until delivery: the write into the row is the
/// proof that the grader still holds the submission and the durable promise to deliver; delivery ends the row after
/// deleting the work message; the sweep claims rows whose delivery stopped midway.
/// </summary>
public sealed class HoldResults(StorageAccount storage, StorageNames names, Holds holds, TimeProvider time)
{
    /// <summary>
    /// The longest result a row keeps, in UTF-8 bytes: a binary property holds 64 KiB (a string property only half as
    /// many characters). A longer one is recorded in the submission's entity instead.
    /// </summary>
    public const int MaxResultBytes = 64 * 1024;

    /// <summary>Whether <paramref name="text"/> fits in a row.</summary>
    public static bool Fits(string text) => Encoding.UTF8.GetByteCount(text) <= MaxResultBytes;

    readonly TableClient table = storage.GetTable(names.HoldsTable);

    /// <summary>
    /// put_result: writes the accepted result (<paramref name="text"/>) into the row of the key's pull and keeps the row
    /// live until <paramref name="until"/> (delivery's lease on it). One merge, made only if the row is as the pull left it
    /// (the key's ETag); after extend_lease moved it, the row is read and the merge made on what is there, if it is still
    /// that pull's and holds no result yet.
    /// </summary>
    /// <returns>Null when the key's pull holds the submission no more (handed out again, answered, ended).</returns>
    public async Task<HeldResult?> AcceptResultAsync(
        string workQueue, PullKey key, string text, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var (etag, receipt) = (key.RowETag, key.Receipt);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (etag is null)
            {
                var row = await holds.FindRowAsync(workQueue, key, cancellationToken);
                if (row is null || row.ContainsKey("ResultAt") || row.ContainsKey("EndedAt")) return null;
                (etag, receipt) = (row.ETag.ToString(), row.GetString("Receipt") ?? key.Receipt);
            }
            var result = new TableEntity(workQueue, Holds.RowKey(key.Id))
            {
                ["Result"] = Encoding.UTF8.GetBytes(text),
                ["ResultAt"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
                ["Until"] = until.ToUnixTimeMilliseconds(),
            };
            if (key.RowETag is not null) result["KeyETag"] = key.RowETag;
            try
            {
                var written = await table.UpdateEntityAsync(result, new ETag(etag), TableUpdateMode.Merge, cancellationToken);
                return new HeldResult(workQueue, key.Id, key.MessageId, receipt, text, written.Headers.ETag?.ToString() ?? "");
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                etag = null; // moved on since the key was made: decide on the row as it is now
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>
    /// Results written into rows whose delivery lease ran out (the instance delivering them stopped), each claimed
    /// for <paramref name="lease"/> by one conditional merge, so two sweeps never deliver one result at once.
    /// </summary>
    public async Task<IReadOnlyList<HeldResult>> ClaimAbandonedResultsAsync(TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        // An Int64 literal (0L) for an Int64 property: the service compares values of one type.
        var filter = TableClient.CreateQueryFilter($"ResultAt ge {0L} and Until lt {now.ToUnixTimeMilliseconds()}");
        var claimed = new List<HeldResult>();
        await foreach (var row in table.QueryAllAsync(filter, ["MessageId", "Receipt", "Result", "EndedAt"], cancellationToken))
        {
            if (row.ContainsKey("EndedAt") || row.GetBinary("Result") is not { } bytes) continue;
            var text = Encoding.UTF8.GetString(bytes);
            try
            {
                var claim = new TableEntity(row.PartitionKey, row.RowKey) { ["Until"] = (now + lease).ToUnixTimeMilliseconds() };
                var written = await table.UpdateEntityAsync(claim, row.ETag, TableUpdateMode.Merge, cancellationToken);
                claimed.Add(new HeldResult(row.PartitionKey, long.Parse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture),
                    row.GetString("MessageId") ?? "", row.GetString("Receipt") ?? "", text, written.Headers.ETag?.ToString() ?? ""));
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Delivered, or claimed by another sweep, meanwhile.
            }
        }
        return claimed;
    }

    /// <summary>
    /// The result the row held is delivered and its message deleted: the row goes, if it is still as delivery's
    /// claim left it (<paramref name="rowETag"/>; a newer claim ends it itself).
    /// </summary>
    public async Task EndAsync(string workQueue, long id, string rowETag, CancellationToken cancellationToken = default)
    {
        try
        {
            await table.DeleteEntityAsync(workQueue, Holds.RowKey(id), new ETag(rowETag), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    /// <summary>
    /// The result the row held is delivered, but its message could not be deleted with the row's receipt (a pull took
    /// it meanwhile, and drops it): the row stays as a retirement mark, no longer live.
    /// </summary>
    public Task DeliveredWithoutMessageAsync(string workQueue, long id, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return table.UpsertEntityAsync(new TableEntity(workQueue, Holds.RowKey(id)) { ["EndedAt"] = now, ["Until"] = now }, TableUpdateMode.Merge, cancellationToken);
    }
}
