using Azure.Data.Tables;
using System.Security.Cryptography;
using System.Text;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

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

    public async Task<long?> LatestAsync(string callbackUrl, CancellationToken cancellationToken = default)
    {
        var entity = await table.FindAsync(Key(callbackUrl), RowKey, cancellationToken);
        return entity?.GetInt64("SubmissionId");
    }

    public Task SetLatestAsync(string callbackUrl, long submissionId, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(Key(callbackUrl), RowKey) { ["SubmissionId"] = submissionId };
        return table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
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
