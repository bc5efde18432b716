using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Storage;

/// <summary>A <see cref="StorageAccount"/> on the shared Azurite, and names no other test uses.</summary>
internal static class AzuriteAccount
{
    public static async Task<StorageAccount> CreateAsync(StorageClientOptions? options = null)
    {
        var azurite = await Azurite.Shared;
        return new StorageAccount(StorageConnection.Parse(azurite.ConnectionString), options);
    }

    /// <summary>A queue or container name: lowercase, may carry a suffix after a dash.</summary>
    public static string NewName(string suffix = "x") => $"{Azurite.NewPrefix()}-{suffix}";

    /// <summary>A table name: letters and digits only.</summary>
    public static string NewTableName() => Azurite.NewPrefix() + "tbl";
}
