using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>
/// The only code that knows where a submission lives: its entity, its blobs (files and oversized
/// texts) and the read-only URLs graders get for files. Every update is conditional on the ETag.
/// </summary>
public sealed class SubmissionStore(StorageAccount storage, StorageNames names)
{
    /// <summary>Texts longer than this go to a blob: a table string property holds at most 32K UTF-16 characters.</summary>
    public const int InlineTextLimit = 16_000;

    readonly TableClient table = storage.GetTable(names.SubmissionsTable);
    readonly BlobContainerClient files = storage.GetContainer(names.FilesContainer);

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(table.CreateIfNotExistsAsync(cancellationToken: cancellationToken), files.CreateIfNotExistsAsync(cancellationToken: cancellationToken));

    public async Task<Submission?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        if (!SubmissionId.IsValid(id)) return null;
        var entity = await table.FindAsync(SubmissionId.PartitionKey(id), SubmissionEntity.RowKey, cancellationToken);
        return entity is null ? null : SubmissionEntity.FromEntity(entity);
    }

    /// <returns>The new entity's ETag; null when the id is already taken (the caller draws another).</returns>
    public async Task<string?> TryInsertAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await table.AddEntityAsync(SubmissionEntity.ToEntity(submission), cancellationToken);
            return response.Headers.ETag?.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="changed"/> if nobody changed the entity since it was read; null otherwise.</summary>
    public async Task<Submission?> TryReplaceAsync(Submission changed, CancellationToken cancellationToken = default)
    {
        var etag = await table.TryReplaceAsync(SubmissionEntity.ToEntity(changed), cancellationToken);
        return etag is { } stored ? changed with { ETag = stored.ToString() } : null;
    }

    /// <summary>
    /// Read-modify-write until it sticks. <paramref name="change"/> returns null to leave the submission as it is.
    /// Returns the stored submission (changed or not), or null when it does not exist.
    /// </summary>
    public async Task<Submission?> UpdateAsync(long id, Func<Submission, Submission?> change, CancellationToken cancellationToken = default) =>
        await GetAsync(id, cancellationToken) is { } current ? await UpdateAsync(current, change, cancellationToken) : null;

    /// <summary>The same, starting from a copy already read (saves the first read when nobody changed it since).</summary>
    public async Task<Submission?> UpdateAsync(Submission current, Func<Submission, Submission?> change, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var changed = change(current);
            if (changed is null) return current;
            if (await TryReplaceAsync(changed, cancellationToken) is { } stored) return stored;
            if (await GetAsync(current.Id, cancellationToken) is not { } reread) return null;
            current = reread;
        }
    }

    public async Task DeleteAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        var blobs = submission.Files.Values
            .Append(submission.Body.BlobName)
            .Append(submission.Reply?.BlobName)
            .Append(submission.Channels.Any(c => c.Channel != DeliveryChannel.Callback) ? EventDataBlobName(submission.Id, submission.ReplyVersion) : null)
            .OfType<string>();
        foreach (var blob in blobs) await files.DeleteBlobIfExistsAsync(blob, cancellationToken: cancellationToken);
        await table.DeleteEntityAsync(SubmissionId.PartitionKey(submission.Id), SubmissionEntity.RowKey, ETag.All, cancellationToken);
    }

    public async Task<StoredText> StoreTextAsync(long id, string name, string text, CancellationToken cancellationToken = default)
    {
        if (text.Length <= InlineTextLimit) return new StoredText(text, null);
        var blobName = $"{id}/{name}";
        await files.WriteBlobAsync(blobName, BinaryData.FromString(text), "text/plain; charset=utf-8", cancellationToken);
        return new StoredText(null, blobName);
    }

    public async Task<string> ReadTextAsync(StoredText text, CancellationToken cancellationToken = default)
    {
        if (text.BlobName is null) return text.Inline ?? "";
        var blob = await files.ReadBlobAsync(text.BlobName, cancellationToken)
            ?? throw new SubmissionUnreadableException($"Blob {text.BlobName} is missing.");
        return blob.Content.ToString();
    }

    /// <summary>Where a score event too large to travel whole keeps its data (the event's dataref points here).</summary>
    public static string EventDataBlobName(long id, long replyVersion) => $"{id}/event-{replyVersion}.json";

    public static string FileBlobName(long id, string attempt, int index) => $"{id}/files-{attempt}/{index}";

    public Task UploadFileAsync(string blobName, BinaryData content, string? contentType, CancellationToken cancellationToken = default) =>
        files.WriteBlobAsync(blobName, content, contentType, cancellationToken);

    public Task DeleteBlobAsync(string blobName, CancellationToken cancellationToken = default) =>
        files.DeleteBlobIfExistsAsync(blobName, cancellationToken: cancellationToken);

    /// <summary>A submission file's bytes, for an operator's download; null when the blob is gone.</summary>
    public Task<BlobDownloadResult?> DownloadFileAsync(string blobName, CancellationToken cancellationToken = default) =>
        files.ReadBlobAsync(blobName, cancellationToken);

    /// <summary>A read link to a submission file; with Entra ID the first one in a while costs a storage call.</summary>
    public Task<Uri> FileUrlAsync(string blobName, DateTimeOffset expiresOn, CancellationToken cancellationToken = default) =>
        storage.ReadLinkAsync(files, blobName, expiresOn, cancellationToken);

    /// <summary>Finished submissions issued before <paramref name="cutoff"/>, oldest key range only (never the whole history).</summary>
    public async Task<IReadOnlyList<Submission>> FinishedBeforeAsync(DateTimeOffset cutoff, int top, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {SubmissionId.PartitionKey(SubmissionId.FloorAt(cutoff))}") +
                     " and (Status eq 'retired' or Status eq 'failed') and Delivery ne 'pending'";
        var page = await table.QueryPageAsync(filter, top, cancellationToken: cancellationToken);
        return page.Entities.Select(SubmissionEntity.FromEntity).ToArray();
    }
}
