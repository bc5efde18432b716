namespace XQueue.Functions.Storage;

/// <summary>
/// Which account the settings name, where its three services are, and how to authenticate to it: decided
/// from configuration alone, before any credential exists or any request is sent.
/// </summary>
/// <param name="ConnectionString">Set for Shared Key (Azurite, development); the SDK clients parse it themselves.</param>
/// <param name="ManagedIdentityClientId">
/// The user-assigned identity to use; null means the system-assigned one (or, for
/// <see cref="StorageCredentialKind.DefaultAzureCredential"/>, whatever the chain finds).
/// </param>
public sealed record StorageTarget(
    string AccountName,
    Uri BlobServiceUri,
    Uri QueueServiceUri,
    Uri TableServiceUri,
    StorageCredentialKind CredentialKind,
    string? ConnectionString = null,
    string? ManagedIdentityClientId = null)
{
    /// <summary>An account reached with an Entra ID token: the public-cloud endpoints unless others are given.</summary>
    public static StorageTarget ForAccount(
        string accountName, Uri? blobServiceUri, Uri? queueServiceUri, Uri? tableServiceUri,
        StorageCredentialKind credentialKind, string? managedIdentityClientId) => new(
        accountName,
        blobServiceUri ?? PublicEndpoint(accountName, "blob"),
        queueServiceUri ?? PublicEndpoint(accountName, "queue"),
        tableServiceUri ?? PublicEndpoint(accountName, "table"),
        credentialKind,
        ManagedIdentityClientId: managedIdentityClientId);

    static Uri PublicEndpoint(string accountName, string service) => new($"https://{accountName}.{service}.core.windows.net");

    // The connection string holds the account key: a record's generated ToString must never print it.
    public override string ToString() => $"{AccountName} ({CredentialKind})";
}
