using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Sas;

namespace XQueue.Functions.Storage;

/// <summary>
/// The one storage account: hands out the SDK clients for its queues, tables and containers, and read-only
/// links to single blobs (signed with the account key where there is one, else with a user delegation key).
/// </summary>
public sealed class StorageAccount(
    QueueServiceClient queues, TableServiceClient tables, BlobServiceClient blobs, UserDelegationKeyCache delegationKeys)
{
    public QueueClient GetQueue(string name) => queues.GetQueueClient(name);

    public TableClient GetTable(string name) => tables.GetTableClient(name);

    public BlobContainerClient GetContainer(string name) => blobs.GetBlobContainerClient(name);

    /// <summary>
    /// A read-only link to one blob. With the account key it is a service SAS, made without a storage call;
    /// with Entra ID it is a user delegation SAS, signed with the account's cached delegation key (fetched when
    /// there is none that lasts until <paramref name="expiresOn"/>). No start time (so clock skew cannot make a
    /// fresh link unusable) and no protocol restriction (so it works over the emulator's http).
    /// </summary>
    public async Task<Uri> ReadLinkAsync(
        BlobContainerClient container, string blobName, DateTimeOffset expiresOn, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(blobName);
        if (blob.CanGenerateSasUri) return blob.GenerateSasUri(BlobSasPermissions.Read, expiresOn);

        var key = await delegationKeys.GetAsync(expiresOn, cancellationToken).ConfigureAwait(false);
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expiresOn)
        {
            BlobContainerName = container.Name,
            BlobName = blobName,
            Resource = "b",
        };
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, blobs.AccountName) }.ToUri();
    }
}
