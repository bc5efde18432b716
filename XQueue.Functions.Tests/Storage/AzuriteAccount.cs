using Microsoft.Extensions.Configuration;
using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Storage;

/// <summary>
/// The app's storage registration on its own (no service around it), on the shared Azurite unless other
/// settings are given, and names no other test uses.
/// </summary>
internal static class AzuriteAccount
{
    public static async Task<StorageAccount> CreateAsync(Action<IServiceCollection>? configure = null) =>
        Services(new Dictionary<string, string?> { [StorageRegistration.Key] = (await Azurite.Shared).ConnectionString }, configure)
            .GetRequiredService<StorageAccount>();

    /// <summary>The registered storage services for these settings; <paramref name="configure"/> may add to or replace them.</summary>
    public static ServiceProvider Services(IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
        services.AddStorageAccount(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>A queue or container name: lowercase, may carry a suffix after a dash.</summary>
    public static string NewName(string suffix = "x") => $"{Azurite.NewPrefix()}-{suffix}";

    /// <summary>A table name: letters and digits only.</summary>
    public static string NewTableName() => Azurite.NewPrefix() + "tbl";
}
