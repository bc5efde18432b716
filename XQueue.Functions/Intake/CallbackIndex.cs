using Azure.Data.Tables;
using System.Security.Cryptography;
using System.Text;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Intake;

/// <summary>A callback URL's latest submission, and the work message it was sent as (none while in the backlog).</summary>
public sealed record LatestSubmission(long Id, string? MessageId, string? PopReceipt);

/// <summary>
/// The latest submission for each LMS callback URL (one URL = one learner on one problem), so a
/// resubmission can retire the earlier one (legacy anti-flood rule) with a point read. The whole URL
/// is hashed: unlike the original's 128-character prefix, two problems never share an entry.
/// </summary>
public sealed class CallbackIndex(StorageAccount storage, StorageNames names)
{
    const string RowKey = "latest";
    readonly TableClient table = storage.GetTable(names.CallbacksTable);

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// Makes <paramref name="latest"/> the latest for its URL and returns the one it replaces (null when there was
    /// none). The first submission for a URL, the usual case, costs one insert; a resubmission an insert that fails,
    /// a read and an ETag-conditional replace (read again if another submit got there first). The row keeps the work
    /// message the submission was sent as, so a resubmission can take it off the queue.
    /// </summary>
    public async Task<LatestSubmission?> ClaimAsync(string callbackUrl, LatestSubmission latest, CancellationToken cancellationToken = default)
    {
        var key = Key(callbackUrl);
        while (true)
        {
            try
            {
                await table.AddEntityAsync(Row(key, latest), cancellationToken);
                return null;
            }
            catch (Azure.RequestFailedException e) when (e.Status == 409)
            {
                // Taken: a resubmission (or a retention that has not forgotten the URL yet).
            }
            if (await table.FindAsync(key, RowKey, cancellationToken) is not { } current) continue;
            var replaced = Row(key, latest);
            replaced.ETag = current.ETag;
            if (await table.TryReplaceAsync(replaced, cancellationToken) is not null)
            {
                return new LatestSubmission(current.GetInt64("SubmissionId") ?? 0, current.GetString("MessageId"), current.GetString("PopReceipt"));
            }
        }
    }

    /// <summary>The latest submission for the URL, when it is <paramref name="submissionId"/>: with the message it was sent as.</summary>
    public async Task<LatestSubmission?> FindAsync(string callbackUrl, long submissionId, CancellationToken cancellationToken = default) =>
        await table.FindAsync(Key(callbackUrl), RowKey, cancellationToken) is { } row && row.GetInt64("SubmissionId") == submissionId
            ? new LatestSubmission(submissionId, row.GetString("MessageId"), row.GetString("PopReceipt"))
            : null;

    static TableEntity Row(string key, LatestSubmission latest)
    {
        var row = new TableEntity(key, RowKey) { ["SubmissionId"] = latest.Id };
        if (latest is { MessageId: { } messageId, PopReceipt: { } popReceipt })
        {
            row["MessageId"] = messageId;
            row["PopReceipt"] = popReceipt;
        }
        return row;
    }

    /// <summary>Drops the entry when it still names <paramref name="submissionId"/> (retention).</summary>
    public async Task ForgetAsync(string callbackUrl, long submissionId, CancellationToken cancellationToken = default)
    {
        var entity = await table.FindAsync(Key(callbackUrl), RowKey, cancellationToken);
        if (entity?.GetInt64("SubmissionId") == submissionId)
        {
            try
            {
                await table.DeleteEntityAsync(entity.PartitionKey, RowKey, entity.ETag, cancellationToken);
            }
            catch (Azure.RequestFailedException e) when (e.Status == 412)
            {
                // A newer submission took the entry meanwhile; it stays.
            }
        }
    }

    static string Key(string callbackUrl) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(callbackUrl)));
}
