using Azure;
using Azure.Core;

namespace XQueue.Functions.Storage;

/// <summary>One blob container holding block blobs addressed by name.</summary>
public sealed class BlobContainerClient
{
    readonly ServicePipeline pipeline;
    readonly StorageConnection connection;
    readonly UserDelegationKeyCache? delegationKeys;

    /// <param name="delegationKeys">The account's shared key cache; null when the connection has an account key.</param>
    internal BlobContainerClient(
        ServicePipeline pipeline, StorageConnection connection, string name, UserDelegationKeyCache? delegationKeys)
    {
        this.pipeline = pipeline;
        this.connection = connection;
        this.delegationKeys = delegationKeys;
        Name = ResourceNames.ValidateQueueOrContainer(name, "container");
        Uri = ResourceNames.Child(connection.BlobEndpoint, Name);
    }

    public string Name { get; }

    public Uri Uri { get; }

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        const string operation = "blob.create-container";
        using var message = pipeline.CreateMessage(RequestMethod.Put, Uri, operation);
        message.Request.Uri.AppendQuery("restype", "container");
        var response = await pipeline.SendAllowingFailureAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 201) return;
        if (response.Status == 409 && pipeline.ErrorCode(response) == "ContainerAlreadyExists") return;
        throw pipeline.Failure(response, operation);
    }

    /// <summary>Writes the whole blob in one Put Blob, replacing any existing one.</summary>
    public async Task UploadAsync(
        string blobName, BinaryData content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        const string operation = "blob.upload";
        using var message = pipeline.CreateMessage(RequestMethod.Put, BlobUri(blobName), operation);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        // Set explicitly: Shared Key signs Content-Type, and Put Blob stores it as the blob's type.
        if (contentType is not null) message.Request.Headers.SetValue(HttpHeader.Names.ContentType, contentType);
        message.Request.Content = RequestContent.Create(content);
        await pipeline.SendAsync(message, operation, cancellationToken, 201).ConfigureAwait(false);
    }

    /// <returns>Null when the blob does not exist. A missing container throws.</returns>
    public async Task<DownloadedBlob?> DownloadAsync(string blobName, CancellationToken cancellationToken = default)
    {
        const string operation = "blob.download";
        using var message = pipeline.CreateMessage(RequestMethod.Get, BlobUri(blobName), operation);
        var response = await pipeline.SendAllowingFailureAsync(message, cancellationToken).ConfigureAwait(false);
        if (IsMissingBlob(response)) return null;
        if (response.Status != 200) throw pipeline.Failure(response, operation);

        // Copied so the result does not share the buffer of the message disposed on return.
        var content = BinaryData.FromBytes(response.Content.ToArray());
        return new DownloadedBlob(content, response.Headers.ContentType);
    }

    /// <returns>False when the blob does not exist. A missing container throws.</returns>
    public async Task<bool> DeleteIfExistsAsync(string blobName, CancellationToken cancellationToken = default)
    {
        const string operation = "blob.delete";
        using var message = pipeline.CreateMessage(RequestMethod.Delete, BlobUri(blobName), operation);
        var response = await pipeline.SendAllowingFailureAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 202) return true;
        return IsMissingBlob(response) ? false : throw pipeline.Failure(response, operation);
    }

    /// <summary>
    /// A read-only link to one blob. With the account key it is a service SAS, made without a storage
    /// call; with Entra ID it is a user delegation SAS, signed with the account's cached delegation key
    /// (fetched when there is none that lasts until <paramref name="expiresOn"/>). No start time (so clock
    /// skew cannot make a fresh link unusable) and no protocol restriction (so it works over the emulator's http).
    /// </summary>
    public async Task<Uri> GetReadSasUriAsync(
        string blobName, DateTimeOffset expiresOn, CancellationToken cancellationToken = default)
    {
        var blobUri = BlobUri(blobName);
        if (connection.AccountKey is { } accountKey)
        {
            var serviceSas = new BlobServiceSas(connection.AccountName, Name, blobName, "r", null, expiresOn);
            return new UriBuilder(blobUri) { Query = serviceSas.ToQuery(accountKey) }.Uri;
        }

        // StorageAccount gives every keyless connection a key cache, so this holds by construction.
        var delegationKey = await delegationKeys!.GetAsync(expiresOn, cancellationToken).ConfigureAwait(false);
        var delegationSas = new BlobUserDelegationSas(connection.AccountName, Name, blobName, "r", expiresOn, delegationKey);
        return new UriBuilder(blobUri) { Query = delegationSas.ToQuery() }.Uri;
    }

    // A missing container is a setup fault, not a missing blob, so only other 404s count as "not there".
    bool IsMissingBlob(Response response) =>
        response.Status == 404 && pipeline.ErrorCode(response) != "ContainerNotFound";

    Uri BlobUri(string blobName) => ResourceNames.Child(Uri, ResourceNames.ValidateBlob(blobName));
}
