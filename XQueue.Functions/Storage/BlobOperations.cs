using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace XQueue.Functions.Storage;

/// <summary>The ways the service writes and reads whole blobs, on top of the SDK's client.</summary>
public static class BlobOperations
{
    /// <summary>Writes the whole blob (one Put Blob at the sizes the service allows), replacing any existing one.</summary>
    public static Task WriteBlobAsync(
        this BlobContainerClient container, string blobName, BinaryData content, string? contentType, CancellationToken cancellationToken = default) =>
        container.GetBlobClient(blobName).UploadAsync(content, new BlobUploadOptions
        {
            HttpHeaders = contentType is null ? null : new BlobHttpHeaders { ContentType = contentType },
        }, cancellationToken);

    /// <returns>The blob's bytes and type, or null when the blob does not exist.</returns>
    public static async Task<BlobDownloadResult?> ReadBlobAsync(
        this BlobContainerClient container, string blobName, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == "BlobNotFound")
        {
            return null;
        }
    }
}
