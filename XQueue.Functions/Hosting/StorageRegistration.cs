using Azure.Core;
using Azure.Identity;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Hosting;

/// <summary>
/// The storage account from the Functions convention: AzureWebJobsStorage as a connection string
/// (Azurite, dev), or AzureWebJobsStorage__accountName for Entra ID (managed identity in Azure), with
/// the optional __credential, __clientId and __blobServiceUri/__queueServiceUri/__tableServiceUri.
/// </summary>
public static class StorageRegistration
{
    public const string Key = "AzureWebJobsStorage";

    // The one value of __credential the Functions host defines: "use a managed identity, not the whole chain".
    const string ManagedIdentityValue = "managedidentity";

    public static IServiceCollection AddStorageAccount(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(FailFast());
        services.AddSingleton(provider => Create(configuration, provider.GetRequiredService<StorageClientOptions>()));
        return services;
    }

    /// <summary>
    /// Reads the settings without touching the network. A connection string wins; otherwise the account
    /// name selects Entra ID. Throws <see cref="InvalidOperationException"/> naming the faulty setting.
    /// </summary>
    public static StorageAccountChoice Choose(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[Key];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            try
            {
                return new StorageAccountChoice(StorageConnection.Parse(connectionString), StorageCredentialKind.SharedKey);
            }
            catch (FormatException e)
            {
                // The parser's messages name settings, never values, so they are safe to pass on.
                throw new InvalidOperationException($"{Key} is not a valid storage connection string: {e.Message}");
            }
        }

        var section = configuration.GetSection(Key);
        var accountName = section["accountName"];
        if (string.IsNullOrWhiteSpace(accountName))
        {
            throw new InvalidOperationException(
                $"{Key} must be set: a connection string (UseDevelopmentStorage=true for Azurite) or {Key}__accountName for Entra ID.");
        }

        var connection = StorageConnection.ForAccount(accountName.Trim(),
            Endpoint(section, "blobServiceUri"), Endpoint(section, "queueServiceUri"), Endpoint(section, "tableServiceUri"));
        var clientId = section["clientId"] is { Length: > 0 } id ? id.Trim() : null;
        return section["credential"] switch
        {
            null or "" => new StorageAccountChoice(connection, StorageCredentialKind.DefaultAzureCredential, clientId),
            var value when value.Trim().Equals(ManagedIdentityValue, StringComparison.OrdinalIgnoreCase) =>
                new StorageAccountChoice(connection, StorageCredentialKind.ManagedIdentity, clientId),
            _ => throw new InvalidOperationException($"{Key}__credential must be '{ManagedIdentityValue}' when set."),
        };
    }

    /// <summary>The credential the choice asks for; null for Shared Key. Creating one sends nothing yet.</summary>
    internal static TokenCredential? CredentialFor(StorageAccountChoice choice) => choice.CredentialKind switch
    {
        StorageCredentialKind.SharedKey => null,
        StorageCredentialKind.ManagedIdentity => new ManagedIdentityCredential(choice.ManagedIdentityClientId is { } clientId
            ? ManagedIdentityId.FromUserAssignedClientId(clientId)
            : ManagedIdentityId.SystemAssigned),
        // A client id without __credential still names the user-assigned identity the chain should try.
        _ => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = choice.ManagedIdentityClientId }),
    };

    static StorageAccount Create(IConfiguration configuration, StorageClientOptions options)
    {
        var choice = Choose(configuration);
        return new StorageAccount(choice.Connection, options, CredentialFor(choice));
    }

    // Tokens go only over https, so an http service URI is refused here, where the setting can be named.
    static Uri? Endpoint(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value
            ? Uri.TryCreate(value.Trim().TrimEnd('/'), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
              && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
                ? uri
                : throw new InvalidOperationException($"{Key}__{key} must be an absolute https URL without a query.")
            : null;

    /// <summary>
    /// Retries sized for requests a client is waiting on: xqueue-watcher gives up after 1 s and the LMS after
    /// 10 s, so an outage must become the legacy 503 well within that (Azure.Core's default, 3 retries from
    /// 0.8 s, takes ~5.6 s). Background work (delivery, sweep) needs no more: it simply runs again later.
    /// </summary>
    static StorageClientOptions FailFast()
    {
        var options = new StorageClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }
}
