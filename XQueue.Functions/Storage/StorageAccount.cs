using Azure.Core;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Storage;

/// <summary>
/// Entry point to one storage account: builds one pipeline per service and hands out clients. Signs with
/// the account key when there is one, otherwise with an Entra ID token from the given credential (then
/// blob links are user delegation SAS, signed with one delegation key shared by all containers).
/// </summary>
public sealed class StorageAccount
{
    internal const string TokenScope = "https://storage.azure.com/.default";

    readonly ServicePipeline blobPipeline;
    readonly ServicePipeline queuePipeline;
    readonly ServicePipeline tablePipeline;
    readonly UserDelegationKeyCache? delegationKeys;

    /// <param name="clock">Decides when the user delegation key is due for renewal; the system clock unless a test moves it.</param>
    public StorageAccount(
        StorageConnection connection, StorageClientOptions? options = null, TokenCredential? credential = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.AccountKey is null)
        {
            if (credential is null)
                throw new ArgumentException("The connection has no account key, so a TokenCredential is required.", nameof(credential));
            RequireHttps(connection);
        }

        Connection = connection;
        options ??= new StorageClientOptions();
        blobPipeline = BuildPipeline(StorageService.Blob, options, credential);
        queuePipeline = BuildPipeline(StorageService.Queue, options, credential);
        tablePipeline = BuildPipeline(StorageService.Table, options, credential);
        if (connection.AccountKey is null)
            delegationKeys = new UserDelegationKeyCache(blobPipeline, connection.BlobEndpoint, clock ?? TimeProvider.System);
    }

    public StorageConnection Connection { get; }

    public QueueClient GetQueue(string name) => new(queuePipeline, Connection.QueueEndpoint, name);

    public BlobContainerClient GetContainer(string name) => new(blobPipeline, Connection, name, delegationKeys);

    public TableClient GetTable(string name) => new(tablePipeline, Connection.TableEndpoint, name);

    // Bearer tokens are refused over plain http (by Azure.Core, on the first request); say so up front instead.
    static void RequireHttps(StorageConnection connection)
    {
        foreach (var endpoint in new[] { connection.BlobEndpoint, connection.QueueEndpoint, connection.TableEndpoint })
        {
            if (endpoint.Scheme != Uri.UriSchemeHttps)
                throw new ArgumentException($"Entra ID tokens are sent only over https, and {endpoint} is not.", nameof(connection));
        }
    }

    ServicePipeline BuildPipeline(StorageService service, StorageClientOptions options, TokenCredential? credential)
    {
        HttpPipelinePolicy authorization = Connection.AccountKey is { } key
            ? new SharedKeyPolicy(service, Connection.AccountName, key)
            : new BearerTokenAuthenticationPolicy(credential!, TokenScope);

        // Headers and signature are per-retry so each attempt carries a fresh, freshly signed x-ms-date.
        var pipeline = HttpPipelineBuilder.Build(
            options,
            perCallPolicies: [new RequestCountingPolicy(service)],
            perRetryPolicies: [new StorageHeadersPolicy(service, TimeProvider.System), authorization],
            responseClassifier: null);
        return new ServicePipeline(pipeline, service);
    }
}
