using Azure.Identity;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Hosting;

/// <summary>
/// The storage account from the Functions convention: AzureWebJobsStorage as a connection string
/// (Azurite, dev), or AzureWebJobsStorage__accountName for Entra ID (managed identity in Azure).
/// </summary>
public static class StorageRegistration
{
    public const string Key = "AzureWebJobsStorage";

    public static IServiceCollection AddStorageAccount(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<StorageClientOptions>();
        services.AddSingleton(provider => Create(configuration, provider.GetRequiredService<StorageClientOptions>()));
        return services;
    }

    static StorageAccount Create(IConfiguration configuration, StorageClientOptions options)
    {
        var connectionString = configuration[Key];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            try
            {
                return new StorageAccount(StorageConnection.Parse(connectionString), options);
            }
            catch (FormatException e)
            {
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
        var connection = StorageConnection.ForAccount(accountName,
            Endpoint(section, "blobServiceUri"), Endpoint(section, "queueServiceUri"), Endpoint(section, "tableServiceUri"));
        var credential = section["credential"] == "managedidentity"
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(section["clientId"]))
            : (Azure.Core.TokenCredential)new DefaultAzureCredential();
        return new StorageAccount(connection, options, credential);
    }

    static Uri? Endpoint(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value
            ? Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new InvalidOperationException($"{Key}__{key} must be an absolute URL.")
            : null;
}
