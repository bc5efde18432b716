using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Storage;

/// <summary>
/// The storage account from the Functions convention: AzureWebJobsStorage as a connection string
/// (Azurite, dev), or AzureWebJobsStorage__accountName for Entra ID (managed identity in Azure), with
/// the optional __credential, __clientId and __blobServiceUri/__queueServiceUri/__tableServiceUri.
/// The three SDK service clients are registered with Microsoft.Extensions.Azure and made on first use.
/// </summary>
public static class StorageRegistration
{
    public const string Key = "AzureWebJobsStorage";

    // The one value of __credential the Functions host defines: "use a managed identity, not the whole chain".
    const string ManagedIdentityValue = "managedidentity";

    public static IServiceCollection AddStorageAccount(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new StorageClientSettings());
        services.AddSingleton(_ => Choose(configuration));
        services.AddSingleton(provider => new StorageCredential(CredentialFor(provider.GetRequiredService<StorageTarget>())));
        services.AddAzureClients(clients =>
        {
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, provider) =>
                    Target(provider) is { ConnectionString: { } connection } ? new QueueServiceClient(connection, options)
                        : new QueueServiceClient(Target(provider).QueueServiceUri, Credential(provider), options))
                .WithVersion(StorageClientSettings.QueueVersion)
                // Messages are plain text (ids and "id:version"; score events are JSON), as every reader expects.
                .ConfigureOptions(options => options.MessageEncoding = QueueMessageEncoding.None);
            clients.AddClient<TableServiceClient, TableClientOptions>((options, provider) =>
                Target(provider) is { ConnectionString: { } connection } ? new TableServiceClient(connection, options)
                    : new TableServiceClient(Target(provider).TableServiceUri, Credential(provider), options));
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, provider) =>
                    Target(provider) is { ConnectionString: { } connection } ? new BlobServiceClient(connection, options)
                        : new BlobServiceClient(Target(provider).BlobServiceUri, Credential(provider), options))
                .WithVersion(StorageClientSettings.BlobVersion);
            clients.ConfigureDefaults((options, provider) =>
                provider.GetRequiredService<StorageClientSettings>().ApplyTo(options, Target(provider), AddedLatency(provider)));
        });
        services.AddSingleton(provider => new UserDelegationKeyCache(
            provider.GetRequiredService<BlobServiceClient>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<StorageAccount>();
        return services;
    }

    /// <summary>
    /// Reads the settings without touching the network. A connection string wins; otherwise the account
    /// name selects Entra ID. Throws <see cref="InvalidOperationException"/> naming the faulty setting.
    /// </summary>
    public static StorageTarget Choose(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[Key];
        if (!string.IsNullOrWhiteSpace(connectionString)) return FromConnectionString(connectionString.Trim());

        var section = configuration.GetSection(Key);
        var accountName = section["accountName"];
        if (string.IsNullOrWhiteSpace(accountName))
        {
            throw new InvalidOperationException(
                $"{Key} must be set: a connection string (UseDevelopmentStorage=true for Azurite) or {Key}__accountName for Entra ID.");
        }

        var clientId = section["clientId"] is { Length: > 0 } id ? id.Trim() : null;
        var kind = section["credential"] switch
        {
            null or "" => StorageCredentialKind.DefaultAzureCredential,
            var value when value.Trim().Equals(ManagedIdentityValue, StringComparison.OrdinalIgnoreCase) => StorageCredentialKind.ManagedIdentity,
            _ => throw new InvalidOperationException($"{Key}__credential must be '{ManagedIdentityValue}' when set."),
        };
        return StorageTarget.ForAccount(accountName.Trim(),
            Endpoint(section, "blobServiceUri"), Endpoint(section, "queueServiceUri"), Endpoint(section, "tableServiceUri"), kind, clientId);
    }

    /// <summary>The credential the target asks for; null for Shared Key. Creating one sends nothing yet.</summary>
    internal static TokenCredential? CredentialFor(StorageTarget target) => target.CredentialKind switch
    {
        StorageCredentialKind.SharedKey => null,
        StorageCredentialKind.ManagedIdentity => new ManagedIdentityCredential(target.ManagedIdentityClientId is { } clientId
            ? ManagedIdentityId.FromUserAssignedClientId(clientId)
            : ManagedIdentityId.SystemAssigned),
        // A client id without __credential still names the user-assigned identity the chain should try.
        _ => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = target.ManagedIdentityClientId }),
    };

    // The SDKs parse the connection string (UseDevelopmentStorage=true included); making the clients sends nothing.
    // Their messages are not passed on: a parser's complaint may quote the account key it could not read.
    static StorageTarget FromConnectionString(string connectionString)
    {
        try
        {
            var blobs = new BlobServiceClient(connectionString);
            var queues = new QueueServiceClient(connectionString);
            var tables = new TableServiceClient(connectionString);
            if (!blobs.CanGenerateAccountSasUri) throw new FormatException();
            return new StorageTarget(blobs.AccountName, blobs.Uri, queues.Uri, tables.Uri, StorageCredentialKind.SharedKey, connectionString);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or NullReferenceException)
        {
            throw new InvalidOperationException(
                $"{Key} is not a valid storage connection string: it needs AccountName and a base64 AccountKey (or UseDevelopmentStorage=true), " +
                "and absolute BlobEndpoint, QueueEndpoint and TableEndpoint URLs where it names them.");
        }
    }

    // Tokens go only over https, so an http service URI is refused here, where the setting can be named.
    static Uri? Endpoint(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value
            ? Uri.TryCreate(value.Trim().TrimEnd('/'), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
              && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
                ? uri
                : throw new InvalidOperationException($"{Key}__{key} must be an absolute https URL without a query.")
            : null;

    // The app's validated option; zero where storage is registered without the app's options (operator commands, tests).
    static TimeSpan AddedLatency(IServiceProvider provider) =>
        provider.GetService<IOptions<XQueueOptions>>()?.Value.Storage.AddedLatency ?? TimeSpan.Zero;

    static StorageTarget Target(IServiceProvider provider) => provider.GetRequiredService<StorageTarget>();

    static TokenCredential Credential(IServiceProvider provider) =>
        provider.GetRequiredService<StorageCredential>().Token ?? throw new InvalidOperationException("An account without a key needs a token credential.");
}
