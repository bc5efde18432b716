using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using System.Xml.Linq;
using Azure;
using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Storage;

/// <summary>
/// Read links under Entra ID: the delegation key is fetched, kept for the whole account, renewed when due,
/// and signs links the service can check. A recording transport plays the blob service; no network.
/// </summary>
public sealed class UserDelegationSasLinkTests
{
    readonly FakeDelegationKeyService service = new();
    readonly RecordingHandler handler;
    readonly ShiftedClock clock = new();
    readonly StorageAccount account;

    public UserDelegationSasLinkTests()
    {
        handler = new RecordingHandler(service.RespondAsync);
        account = new StorageAccount(StorageConnection.ForAccount("myacct"), handler.Options(), new FixedTokenCredential(), clock);
    }

    DateTimeOffset InOneHour => clock.GetUtcNow().AddHours(1);

    [Fact]
    public async Task The_key_is_asked_for_once_with_a_bearer_token_and_a_KeyInfo_body()
    {
        var now = clock.GetUtcNow();
        await account.GetContainer("files").GetReadSasUriAsync("a.txt", InOneHour);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://myacct.blob.core.windows.net/?restype=service&comp=userdelegationkey", request.Uri.AbsoluteUri);
        Assert.Equal("Bearer " + FixedTokenCredential.Token, request.Authorization);
        Assert.Equal("2024-11-04", request.Headers["x-ms-version"]);

        var keyInfo = XElement.Parse(request.Body);
        Assert.Equal("KeyInfo", keyInfo.Name.LocalName);
        Assert.Equal(["Start", "Expiry"], keyInfo.Elements().Select(e => e.Name.LocalName));
        var start = DateTimeOffset.Parse(keyInfo.Element("Start")!.Value);
        var expiry = DateTimeOffset.Parse(keyInfo.Element("Expiry")!.Value);
        Assert.InRange(start, now.AddMinutes(-10), now);                        // a little in the past, for clock skew
        Assert.InRange(expiry, now.AddDays(1).AddSeconds(-2), now.AddDays(1).AddSeconds(2)); // the usual day
    }

    [Fact]
    public async Task The_link_carries_the_key_fields_and_a_signature_that_verifies_against_the_key()
    {
        var uri = await account.GetContainer("files").GetReadSasUriAsync("42/files/0", InOneHour);

        Assert.Equal("https://myacct.blob.core.windows.net/files/42/files/0", uri.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(uri.Query);
        string[] expected = ["skoid", "sktid", "skt", "ske", "sks", "skv", "sv", "sr", "sp", "se", "sig"];
        Assert.All(expected, name => Assert.False(string.IsNullOrEmpty(query[name]), name));
        Assert.Equal(FakeDelegationKeyService.ObjectId, query["skoid"]);
        Assert.Equal(FakeDelegationKeyService.TenantId, query["sktid"]);
        Assert.Equal("b", query["sks"]);
        Assert.Equal(FakeDelegationKeyService.KeyVersion, query["skv"]);
        Assert.Equal("2024-11-04", query["sv"]);
        Assert.Equal("b", query["sr"]);
        Assert.Equal("r", query["sp"]);
        Assert.True(DateTimeOffset.Parse(query["ske"]!) >= DateTimeOffset.Parse(query["se"]!), "the key outlives the link");

        // What the service would sign, rebuilt here from the query and the reference layout.
        var stringToSign = string.Join("\n",
            query["sp"], "", query["se"], "/blob/myacct/files/42/files/0",
            query["skoid"], query["sktid"], query["skt"], query["ske"], query["sks"], query["skv"],
            "", "", "", "", "", query["sv"], query["sr"], "", "", "", "", "", "", "");
        var signature = Convert.ToBase64String(
            HMACSHA256.HashData(FakeDelegationKeyService.KeyValue, Encoding.UTF8.GetBytes(stringToSign)));
        Assert.Equal(signature, query["sig"]);
    }

    [Fact]
    public async Task One_key_serves_many_links_in_every_container()
    {
        for (var i = 0; i < 50; i++)
        {
            var container = account.GetContainer(i % 2 == 0 ? "files" : "other");
            await container.GetReadSasUriAsync($"blob-{i}", InOneHour.AddMinutes(i));
        }

        Assert.Equal(1, service.Fetches);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Links_asked_for_during_a_fetch_wait_for_its_key_instead_of_fetching_too()
    {
        var release = new TaskCompletionSource();
        service.Gate = release.Task;
        var container = account.GetContainer("files");

        var links = Enumerable.Range(0, 20).Select(i => container.GetReadSasUriAsync($"blob-{i}", InOneHour)).ToArray();
        release.SetResult();
        await Task.WhenAll(links);

        Assert.Equal(1, service.Fetches);
    }

    [Fact]
    public async Task A_key_is_replaced_only_once_it_comes_near_its_expiry()
    {
        var container = account.GetContainer("files");
        await container.GetReadSasUriAsync("a", InOneHour);

        clock.Offset = TimeSpan.FromDays(1) - TimeSpan.FromHours(2); // still covers a one-hour link, with room
        await container.GetReadSasUriAsync("a", InOneHour);
        Assert.Equal(1, service.Fetches);

        clock.Offset = TimeSpan.FromDays(1) - TimeSpan.FromMinutes(4); // inside the renewal margin
        var uri = await container.GetReadSasUriAsync("a", clock.GetUtcNow().AddMinutes(1));
        Assert.Equal(2, service.Fetches);
        var newStart = DateTimeOffset.Parse(HttpUtility.ParseQueryString(uri.Query)["skt"]!);
        Assert.InRange(newStart, clock.GetUtcNow().AddMinutes(-10), clock.GetUtcNow());
    }

    [Fact]
    public async Task A_link_that_would_outlive_the_key_gets_a_longer_key()
    {
        var container = account.GetContainer("files");
        await container.GetReadSasUriAsync("a", InOneHour);

        var inThreeDays = clock.GetUtcNow().AddDays(3);
        var uri = await container.GetReadSasUriAsync("a", inThreeDays);

        Assert.Equal(2, service.Fetches);
        Assert.True(DateTimeOffset.Parse(HttpUtility.ParseQueryString(uri.Query)["ske"]!) >= inThreeDays);
    }

    [Fact]
    public async Task A_link_beyond_seven_days_is_refused_without_asking_the_service()
    {
        var container = account.GetContainer("files");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => container.GetReadSasUriAsync("a", clock.GetUtcNow().AddDays(7.5)));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_refused_key_request_fails_like_any_storage_call_and_is_not_remembered()
    {
        var refusing = new RecordingHandler(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Headers = { { "x-ms-error-code", "AuthorizationPermissionMismatch" } },
        }));
        var refused = new StorageAccount(StorageConnection.ForAccount("myacct"), refusing.Options(), new FixedTokenCredential());
        var container = refused.GetContainer("files");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => container.GetReadSasUriAsync("a", InOneHour));
        await Assert.ThrowsAsync<RequestFailedException>(() => container.GetReadSasUriAsync("a", InOneHour));

        Assert.Equal(403, error.Status);
        Assert.Equal("AuthorizationPermissionMismatch", error.ErrorCode);
        Assert.DoesNotContain(FixedTokenCredential.Token, error.ToString());
        Assert.Equal(2, refusing.Requests.Count);
    }

    [Fact]
    public async Task With_an_account_key_a_link_is_a_service_sas_made_without_a_storage_call()
    {
        var keyed = new StorageAccount(StorageConnection.Parse("UseDevelopmentStorage=true"), handler.Options());

        var uri = await keyed.GetContainer("files").GetReadSasUriAsync("a", InOneHour);

        Assert.Empty(handler.Requests);
        var query = HttpUtility.ParseQueryString(uri.Query);
        Assert.Null(query["skoid"]);
        Assert.False(string.IsNullOrEmpty(query["sig"]));
    }
}
