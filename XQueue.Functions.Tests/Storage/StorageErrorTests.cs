using Azure;
using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Storage;

/// <summary>What a refused request says: enough to act on, and nothing secret (it may end up in a log).</summary>
public sealed class StorageErrorTests
{
    // A valid base64 key of the right length that is not Azurite's.
    const string WrongKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

    [Fact]
    public async Task A_wrong_key_is_refused_by_every_service_and_the_message_carries_no_secret()
    {
        var connection = (await Azurite.Shared).ConnectionString.Replace(Azurite.AccountKey, WrongKey, StringComparison.Ordinal);
        var account = AzuriteAccount.Services(new Dictionary<string, string?> { [StorageRegistration.Key] = connection })
            .GetRequiredService<StorageAccount>();

        var errors = new[]
        {
            await Assert.ThrowsAsync<RequestFailedException>(() => account.GetQueue(AzuriteAccount.NewName()).CreateIfNotExistsAsync()),
            await Assert.ThrowsAsync<RequestFailedException>(() => account.GetContainer(AzuriteAccount.NewName()).CreateIfNotExistsAsync()),
            await Assert.ThrowsAsync<RequestFailedException>(() => account.GetTable(AzuriteAccount.NewTableName()).CreateIfNotExistsAsync()),
        };

        Assert.All(errors, error =>
        {
            Assert.Equal(403, error.Status);
            Assert.DoesNotContain(WrongKey, error.ToString());
            Assert.DoesNotContain("SharedKey ", error.ToString());
        });
    }
}
