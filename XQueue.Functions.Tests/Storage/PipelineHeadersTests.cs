using System.Net;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>What goes on the wire, seen through a recording HTTP handler instead of a server.</summary>
public sealed class PipelineHeadersTests
{
    [Fact]
    public async Task Without_a_key_requests_carry_a_bearer_token_for_the_storage_scope()
    {
        var handler = new RecordingHandler(HttpStatusCode.NoContent);
        var credential = new FixedTokenCredential();
        var account = new StorageAccount(StorageConnection.ForAccount("myacct"), handler.Options(), credential);

        await account.GetQueue("jobs").CreateIfNotExistsAsync();

        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://myacct.queue.core.windows.net/jobs", request.Uri.AbsoluteUri);
        Assert.Equal("Bearer " + FixedTokenCredential.Token, request.Authorization);
        Assert.Equal(["https://storage.azure.com/.default"], credential.Scopes);
        Assert.Equal("2024-11-04", request.Headers["x-ms-version"]);
        Assert.True(request.Headers.ContainsKey("x-ms-date"));
    }

    [Fact]
    public async Task With_a_key_requests_carry_a_shared_key_signature_for_the_account()
    {
        var handler = new RecordingHandler(HttpStatusCode.Created);
        var account = new StorageAccount(StorageConnection.Parse("UseDevelopmentStorage=true"), handler.Options());

        await account.GetContainer("files").CreateIfNotExistsAsync();

        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/files?restype=container", request.Uri.AbsoluteUri);
        Assert.StartsWith("SharedKey devstoreaccount1:", request.Authorization);
        Assert.Equal("2024-11-04", request.Headers["x-ms-version"]);
    }

    [Fact]
    public async Task Table_requests_pin_their_own_version_and_ask_for_minimal_metadata()
    {
        var handler = new RecordingHandler(HttpStatusCode.NoContent);
        var account = new StorageAccount(StorageConnection.Parse("UseDevelopmentStorage=true"), handler.Options());

        await account.GetTable("Things").DeleteAsync("p", "r");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal("2019-02-02", request.Headers["x-ms-version"]);
        Assert.Equal("3.0", request.Headers["DataServiceVersion"]);
        Assert.Equal("application/json;odata=minimalmetadata", request.Headers["Accept"].Replace(" ", ""));
        Assert.Equal("*", request.Headers["If-Match"]);
        Assert.StartsWith("SharedKey devstoreaccount1:", request.Authorization);
    }

    [Fact]
    public void An_account_needs_a_key_or_a_credential()
    {
        Assert.Throws<ArgumentException>(() => new StorageAccount(StorageConnection.ForAccount("myacct")));
    }
}
