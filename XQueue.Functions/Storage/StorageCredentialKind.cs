namespace XQueue.Functions.Storage;

/// <summary>How the app proves who it is to the storage account.</summary>
public enum StorageCredentialKind
{
    /// <summary>The account key from a connection string (Azurite, development).</summary>
    SharedKey,

    /// <summary>Entra ID through the usual chain: environment, workload and managed identity, developer sign-ins.</summary>
    DefaultAzureCredential,

    /// <summary>Entra ID through a managed identity only: user-assigned with a client id, else system-assigned.</summary>
    ManagedIdentity,
}
