namespace XQueue.Functions.Storage;

/// <summary>
/// Which account the settings name, where its services are, and how to authenticate to it: decided from
/// configuration alone, before any credential exists or any request is sent.
/// </summary>
/// <param name="ManagedIdentityClientId">
/// The user-assigned identity to use; null means the system-assigned one (or, for
/// <see cref="StorageCredentialKind.DefaultAzureCredential"/>, whatever the chain finds).
/// </param>
public sealed record StorageAccountChoice(
    StorageConnection Connection, StorageCredentialKind CredentialKind, string? ManagedIdentityClientId = null);
