using Azure;
using Azure.Data.Tables;
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
        var account = EntraAccount.Create(handler, credential);

        var queue = account.GetQueue("jobs");
        await queue.CreateIfNotExistsAsync();
        await queue.TryDeleteAsync("message-id", "pop-receipt");
        var container = account.GetContainer("files");
        await container.CreateIfNotExistsAsync();
        await container.WriteBlobAsync("a.txt", BinaryData.FromString("a"), "text/plain");
        await container.ReadBlobAsync("a.txt");
        await container.DeleteBlobIfExistsAsync("a.txt");
        await account.ReadLinkAsync(container, "a.txt", DateTimeOffset.UtcNow.AddHours(1));
        var table = account.GetTable("Things");
        await table.CreateIfNotExistsAsync();
        await table.FindAsync("p", "r");
        await table.DeleteEntityAsync("p", "r", ETag.All);

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

    [Fact]
    public async Task Blob_and_queue_requests_carry_the_pinned_service_version()
    {
        var handler = new RecordingHandler(new FakeDelegationKeyService().RespondAsync);
        var account = EntraAccount.Create(handler, new FixedTokenCredential());

        await account.GetQueue("jobs").CreateIfNotExistsAsync();
        await account.GetContainer("files").CreateIfNotExistsAsync();

        Assert.All(handler.Requests, request => Assert.Equal("2025-11-05", request.Headers["x-ms-version"]));
    }
}
