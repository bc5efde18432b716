using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>
/// A submission a grader holds: in which work queue (its Storage Queue name), through which message, the receipt the
/// key was made from and the receipt now (they differ after extend_lease), since and until when (Unix milliseconds),
/// and the pull's facts (grader, address, how many pulls), so any instance can record them with the result.
/// <paramref name="RowETag"/> is the row's ETag as the pull wrote it: the key carries it, so put_result can write the
/// result into the row at once, and only if the row is still as the pull left it.
/// </summary>
public sealed record Hold(
    string Queue, long Id, string MessageId, string KeyReceipt, string Receipt, long From, long Until,
    string? Grader = null, string? Address = null, int Pulls = 0, string? RowETag = null);

/// <summary>
/// The holds table: storage's answer to "which submissions do graders hold now", for every instance alike. One row per
/// held submission (partition = work queue, row = id), inserted by the pull that hands it out, moved on by
/// extend_lease, removed when the result is delivered or the submission fails. The queue length leaves held
/// submissions out (legacy: "a pulled submission is not counted until it is requeued", while a Storage Queue counts
/// held messages), and the dashboard shows them pulled. A row also remembers when a submission was retired while a
/// message for it could not be deleted: no message sent before that is handed out. The insert at pull is where a
/// second message for one submission is caught: a pull hands out a submission only if it could take its row.
/// put_result writes the accepted result into the row (<see cref="HoldResults"/>): that write, made only while
/// the row is the key's pull's, is both the proof that the grader still holds the submission and the durable promise
/// to deliver. The row then stays live until delivery ends it, and a pull that meets the row drops its message.
/// </summary>
public sealed class Holds(StorageAccount storage, StorageNames names, TimeProvider time)
{
    /// <summary>Rows of holds that ran out, and retirement marks, are removed by the sweep after this long.</summary>
    public static readonly TimeSpan KeptAfterEnd = TimeSpan.FromHours(1);

    readonly TableClient table = storage.GetTable(names.HoldsTable);

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// Takes the row for a pull of a message sent at <paramref name="sentAt"/>. One insert when nobody held the
    /// submission; otherwise the row is read and replaced (by its ETag) only when its hold ran out, or was made
    /// through this very message.
    /// </summary>
    /// <returns>The row's ETag as taken; null when the message must not be handed out: another message of the submission
    /// is held now, its result awaits delivery, or the submission was retired after this message was sent.</returns>
    public async Task<string?> TakeAsync(Hold hold, DateTimeOffset sentAt, CancellationToken cancellationToken = default)
    {
        var row = Row(hold);
        var sent = sentAt.ToUnixTimeMilliseconds();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                return (await table.AddEntityAsync(row, cancellationToken)).Headers.ETag?.ToString();
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
            }
            var existing = await table.FindAsync(row.PartitionKey, row.RowKey, cancellationToken);
            if (existing is null) continue; // removed meanwhile: insert again
            var ended = existing.GetInt64("EndedAt");
            if (ended >= sent) return null;
            // Graded through this very message (or one sent before the result): the result is on its way to the LMS.
            if (ended is null && existing.GetInt64("ResultAt") >= sent) return null;
            var heldElsewhere = existing.GetString("MessageId") is { } other && other != hold.MessageId;
            if (heldElsewhere && existing.GetInt64("Until") > time.GetUtcNow().ToUnixTimeMilliseconds()) return null;
            try
            {
                return (await table.UpdateEntityAsync(row, existing.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag?.ToString();
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Changed meanwhile (another copy's pull, an extend, an end): decide again on what is there now.
            }
        }
        // Never decided (the row kept changing under it): the message is neither handed out nor dropped; it comes
        // back after its lease, and the grader hears storage is busy.
        throw new RequestFailedException(503, "The hold's row kept changing while a pull tried to take it.");
    }

    /// <summary>
    /// The leases a key's message may stand under, to be tried in turn: as the pull left it, then (read only when the
    /// caller asks for it, because the first was refused) as extend_lease last moved it.
    /// </summary>
    public async IAsyncEnumerable<Hold> CandidatesAsync(
        string workQueue, PullKey key, TimeSpan processingDelay, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return key.HeldAs(workQueue, key.Receipt, key.PulledAt + processingDelay);
        if (await FindAsync(workQueue, key, cancellationToken) is { } moved && moved.Receipt != key.Receipt) yield return moved;
    }

    /// <summary>The hold as the key's pull made it, with its receipt and lease as extend_lease last moved them; null when the row is another pull's or gone.</summary>
    async Task<Hold?> FindAsync(string workQueue, PullKey key, CancellationToken cancellationToken = default) =>
        await FindRowAsync(workQueue, key, cancellationToken) is { } row ? Read(row) : null;

    /// <summary>The row of the key's pull; null when the row is another pull's or gone.</summary>
    internal async Task<TableEntity?> FindRowAsync(string workQueue, PullKey key, CancellationToken cancellationToken)
    {
        var row = await table.FindAsync(workQueue, RowKey(key.Id), cancellationToken);
        return row is null || row.GetString("MessageId") != key.MessageId || row.GetString("KeyReceipt") != key.Receipt ? null : row;
    }

    /// <summary>Who holds submission <paramref name="id"/> now; null when no grader does.</summary>
    public async Task<Hold?> FindLiveAsync(string workQueue, long id, CancellationToken cancellationToken = default) =>
        await table.FindAsync(workQueue, RowKey(id), cancellationToken) is { } row && Read(row) is { } hold && hold.Until > time.GetUtcNow().ToUnixTimeMilliseconds()
            ? hold
            : null;

    /// <summary>extend_lease moved the message: its receipt and lease end now (a merge, so a retirement mark stays).</summary>
    public Task MovedAsync(Hold hold, CancellationToken cancellationToken = default) =>
        table.UpsertEntityAsync(Row(hold), TableUpdateMode.Merge, cancellationToken);

    /// <summary>The hold ends now but the submission waits on through the same message (a push attempt to be retried).</summary>
    public async Task ReleaseAsync(string workQueue, long id, CancellationToken cancellationToken = default)
    {
        try
        {
            await table.UpdateEntityAsync(new TableEntity(workQueue, RowKey(id)) { ["Until"] = time.GetUtcNow().ToUnixTimeMilliseconds() }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>The hold ends with its message: the result was delivered or the submission failed.</summary>
    public Task EndAsync(string workQueue, long id, CancellationToken cancellationToken = default) =>
        table.DeleteIfExistsAsync(workQueue, RowKey(id), cancellationToken: cancellationToken);

    /// <summary>Retired while a message for it may still come up: no message sent before now is handed out, on any instance.</summary>
    public Task RetiredAsync(string workQueue, long id, CancellationToken cancellationToken = default) =>
        table.UpsertEntityAsync(new TableEntity(workQueue, RowKey(id)) { ["EndedAt"] = time.GetUtcNow().ToUnixTimeMilliseconds() }, TableUpdateMode.Merge, cancellationToken);

    /// <summary>How many submissions of a work queue graders hold now: one query.</summary>
    public async Task<int> CountLiveAsync(string workQueue, CancellationToken cancellationToken = default)
    {
        var count = 0;
        await foreach (var _ in table.QueryAllAsync(Live(workQueue), [], cancellationToken)) count++;
        return count;
    }

    /// <summary>The holds whose lease runs now, of every work queue, by submission id (for the dashboard).</summary>
    public async Task<IReadOnlyDictionary<long, Hold>> LiveAsync(CancellationToken cancellationToken = default)
    {
        var live = new Dictionary<long, Hold>();
        await foreach (var row in table.QueryAllAsync(Live(queue: null), cancellationToken: cancellationToken))
        {
            if (Read(row) is { } hold) live[hold.Id] = hold;
        }
        return live;
    }

    /// <summary>Removes the rows whose hold, or retirement mark, ended more than <see cref="KeptAfterEnd"/> ago.</summary>
    /// <returns>How many rows were removed.</returns>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var before = (time.GetUtcNow() - KeptAfterEnd).ToUnixTimeMilliseconds();
        var old = new List<TableEntity>();
        // A row may have a lease, a mark, or both: it goes when neither is recent.
        var filter = TableClient.CreateQueryFilter($"Until lt {before} or EndedAt lt {before}");
        await foreach (var row in table.QueryAllAsync(filter, ["Until", "EndedAt", "ResultAt"], cancellationToken))
        {
            if (row.GetInt64("Until") is { } until && until >= before) continue;
            if (row.GetInt64("EndedAt") is { } ended && ended >= before) continue;
            if (row.ContainsKey("ResultAt") && !row.ContainsKey("EndedAt")) continue; // a result still owed: the sweep delivers it
            old.Add(row);
        }
        return await table.DeleteAllAsync(old, cancellationToken);
    }

    string Live(string? queue)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return queue is null
            ? TableClient.CreateQueryFilter($"Until gt {now}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {queue} and Until gt {now}");
    }

    static TableEntity Row(Hold hold)
    {
        var row = new TableEntity(hold.Queue, RowKey(hold.Id))
        {
            ["MessageId"] = hold.MessageId,
            ["KeyReceipt"] = hold.KeyReceipt,
            ["Receipt"] = hold.Receipt,
            ["From"] = hold.From,
            ["Until"] = hold.Until,
            ["Pulls"] = hold.Pulls,
        };
        if (hold.Grader is not null) row["Grader"] = hold.Grader;
        if (hold.Address is not null) row["Address"] = hold.Address;
        if (hold.RowETag is not null) row["KeyETag"] = hold.RowETag; // the ETag the key seals, once the row has moved on from it
        return row;
    }

    static Hold? Read(TableEntity row) =>
        row.GetString("MessageId") is { } messageId && row.GetInt64("Until") is { } until
            ? new Hold(row.PartitionKey, long.Parse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture), messageId,
                row.GetString("KeyReceipt") ?? "", row.GetString("Receipt") ?? "", row.GetInt64("From") ?? until, until,
                row.GetString("Grader"), row.GetString("Address"), row.GetInt32("Pulls") ?? 0,
                row.GetString("KeyETag") ?? row.ETag.ToString())
            : null;

    internal static string RowKey(long id) => id.ToString("D19", CultureInfo.InvariantCulture);
}
