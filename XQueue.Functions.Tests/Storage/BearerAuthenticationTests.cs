using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>Without an account key, every service is reached with an Entra ID token and nothing else.</summary>
public sealed class BearerAuthenticationTests
{
    [Fact]
    public async Task Every_queue_blob_and_table_request_carries_the_bearer_token_and_no_shared_key()
    {
        var service = new FakeDelegationKeyService();
        var handler = new RecordingHandler(service.RespondAsync);
        var credential = new FixedTokenCredential();
        var account = new StorageAccount(StorageConnection.ForAccount("myacct"), handler.Options(), credential);

        var queue = account.GetQueue("jobs");
        await queue.CreateIfNotExistsAsync();
        await queue.DeleteAsync("message-id", "pop-receipt");
        var container = account.GetContainer("files");
        await container.CreateIfNotExistsAsync();
        await container.UploadAsync("a.txt", BinaryData.FromString("a"), "text/plain");
        await container.DownloadAsync("a.txt");
        await container.DeleteIfExistsAsync("a.txt");
        await container.GetReadSasUriAsync("a.txt", DateTimeOffset.UtcNow.AddHours(1));
        var table = account.GetTable("Things");
        await table.CreateIfNotExistsAsync();
        await table.GetAsync("p", "r");
        await table.DeleteAsync("p", "r");

        var requests = handler.Requests;
        Assert.Equal(10, requests.Count); // one per call above, the link's being the delegation key fetch
        Assert.All(requests, request => Assert.Equal("Bearer " + FixedTokenCredential.Token, request.Authorization));
        Assert.DoesNotContain(requests, request => request.Headers.Values.Any(value => value.Contains("SharedKey", StringComparison.Ordinal)));
        Assert.Equal(
            ["myacct.blob.core.windows.net", "myacct.queue.core.windows.net", "myacct.table.core.windows.net"],
            requests.Select(request => request.Uri.Host).Distinct().Order());
        Assert.NotEmpty(credential.Scopes);
        Assert.All(credential.Scopes, scope => Assert.Equal("https://storage.azure.com/.default", scope));
    }

    [Theory]
    [InlineData("blob")]
    [InlineData("queue")]
    [InlineData("table")]
    public void Token_authentication_needs_https_on_every_service(string service)
    {
        var http = new Uri($"http://127.0.0.1:10000/devstoreaccount1/{service}");
        var connection = StorageConnection.ForAccount("myacct",
            blobEndpoint: service == "blob" ? http : null,
            queueEndpoint: service == "queue" ? http : null,
            tableEndpoint: service == "table" ? http : null);

        var error = Assert.Throws<ArgumentException>(() => new StorageAccount(connection, credential: new FixedTokenCredential()));

        Assert.Contains("https", error.Message);
        Assert.Contains(http.AbsoluteUri, error.Message);
    }
}
