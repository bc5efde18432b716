using System.Net;
using System.Web;
using System.Xml.Linq;
using Azure;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Storage;

/// <summary>
/// Read links under Entra ID: the delegation key is fetched, kept for the whole account, renewed when due, and
/// signs links a grader can download with. A recording transport plays the blob service; no network.
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
        account = EntraAccount.Create(handler, new FixedTokenCredential(), clock);
    }

    DateTimeOffset InOneHour => clock.GetUtcNow().AddHours(1);

    Task<Uri> LinkAsync(string container, string blob, DateTimeOffset expiresOn) =>
        account.ReadLinkAsync(account.GetContainer(container), blob, expiresOn);

    [Fact]
    public async Task A_grader_downloads_the_file_through_the_link_the_store_hands_out()
    {
        var store = new SubmissionStore(account, new StorageNames(""));

        var url = await store.FileUrlAsync("42/files-a/0", InOneHour);
        using var grader = new HttpClient(new RecordingHandler(service.RespondAsync));
        using var response = await grader.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeDelegationKeyService.FileContent, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("https://myacct.blob.core.windows.net/files/42/files-a/0", url.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(url.Query);
        Assert.Equal((FakeDelegationKeyService.ObjectId, FakeDelegationKeyService.TenantId, "b", "r"), (query["skoid"], query["sktid"], query["sr"], query["sp"]));
        Assert.Null(query["st"]);  // no start time: clock skew cannot make a fresh link unusable
        Assert.Null(query["spr"]); // no protocol restriction
    }

    [Theory]
    [InlineData("sp=r", "sp=rw")]   // widened permissions
    [InlineData("sig=", "sig=AAAA")] // altered signature
    public async Task A_tampered_link_is_refused(string original, string tampered)
    {
        var url = (await LinkAsync("files", "a.txt", InOneHour)).AbsoluteUri;
        using var grader = new HttpClient(new RecordingHandler(service.RespondAsync));
        Assert.Equal(HttpStatusCode.OK, (await grader.GetAsync(url)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await grader.GetAsync(url.Replace(original, tampered, StringComparison.Ordinal))).StatusCode);
    }

    [Fact]
    public async Task The_key_is_asked_for_once_with_a_bearer_token_and_a_KeyInfo_body()
    {
        var now = clock.GetUtcNow();
        await LinkAsync("files", "a.txt", InOneHour);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://myacct.blob.core.windows.net/?restype=service&comp=userdelegationkey", request.Uri.AbsoluteUri);
        Assert.Equal("Bearer " + FixedTokenCredential.Token, request.Authorization);
        var keyInfo = XElement.Parse(request.Body);
        var start = DateTimeOffset.Parse(keyInfo.Element("Start")!.Value);
        var expiry = DateTimeOffset.Parse(keyInfo.Element("Expiry")!.Value);
        Assert.InRange(start, now.AddMinutes(-10), now);                                        // a little in the past, for clock skew
        Assert.InRange(expiry, now.AddDays(1).AddSeconds(-2), now.AddDays(1).AddSeconds(2)); // the usual day
    }

    [Fact]
    public async Task One_key_serves_many_links_in_every_container()
    {
        for (var i = 0; i < 50; i++) await LinkAsync(i % 2 == 0 ? "files" : "other", $"blob-{i}", InOneHour.AddMinutes(i));

        Assert.Equal(1, service.Fetches);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Links_asked_for_during_a_fetch_wait_for_its_key_instead_of_fetching_too()
    {
        var release = new TaskCompletionSource();
        service.Gate = release.Task;

        var links = Enumerable.Range(0, 20).Select(i => LinkAsync("files", $"blob-{i}", InOneHour)).ToArray();
        release.SetResult();
        await Task.WhenAll(links);

        Assert.Equal(1, service.Fetches);
    }

    [Fact]
    public async Task A_key_is_replaced_only_once_it_comes_near_its_expiry()
    {
        await LinkAsync("files", "a", InOneHour);

        clock.Offset = TimeSpan.FromDays(1) - TimeSpan.FromHours(2); // still covers a one-hour link, with room
        await LinkAsync("files", "a", InOneHour);
        Assert.Equal(1, service.Fetches);

        clock.Offset = TimeSpan.FromDays(1) - TimeSpan.FromMinutes(4); // inside the renewal margin
        var uri = await LinkAsync("files", "a", clock.GetUtcNow().AddMinutes(1));
        Assert.Equal(2, service.Fetches);
        var newStart = DateTimeOffset.Parse(HttpUtility.ParseQueryString(uri.Query)["skt"]!);
        Assert.InRange(newStart, clock.GetUtcNow().AddMinutes(-10), clock.GetUtcNow());
    }

    [Fact]
    public async Task A_link_that_would_outlive_the_key_gets_a_longer_key()
    {
        await LinkAsync("files", "a", InOneHour);

        var inThreeDays = clock.GetUtcNow().AddDays(3);
        var uri = await LinkAsync("files", "a", inThreeDays);

        Assert.Equal(2, service.Fetches);
        Assert.True(DateTimeOffset.Parse(HttpUtility.ParseQueryString(uri.Query)["ske"]!) >= inThreeDays);
    }

    [Fact]
    public async Task A_link_beyond_seven_days_is_refused_without_asking_the_service()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => LinkAsync("files", "a", clock.GetUtcNow().AddDays(7.5)));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_refused_key_request_fails_like_any_storage_call_and_is_not_remembered()
    {
        var refusing = new RecordingHandler(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Headers = { { "x-ms-error-code", "AuthorizationPermissionMismatch" } },
        }));
        var refused = EntraAccount.Create(refusing, new FixedTokenCredential());
        var container = refused.GetContainer("files");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => refused.ReadLinkAsync(container, "a", InOneHour));
        await Assert.ThrowsAsync<RequestFailedException>(() => refused.ReadLinkAsync(container, "a", InOneHour));

        Assert.Equal(403, error.Status);
        Assert.Equal("AuthorizationPermissionMismatch", error.ErrorCode);
        Assert.DoesNotContain(FixedTokenCredential.Token, error.ToString());
        Assert.Equal(2, refusing.Requests.Count);
    }

    [Fact]
    public async Task With_an_account_key_a_link_is_a_service_sas_made_without_a_storage_call()
    {
        var keyed = AzuriteAccount.Services(new Dictionary<string, string?> { [StorageRegistration.Key] = "UseDevelopmentStorage=true" },
            services => StoragePipeline.Settings(services).Transport = handler.Transport()).GetRequiredService<StorageAccount>();

        var uri = await keyed.ReadLinkAsync(keyed.GetContainer("files"), "a", InOneHour);

        Assert.Empty(handler.Requests);
        var query = HttpUtility.ParseQueryString(uri.Query);
        Assert.Null(query["skoid"]);
        Assert.False(string.IsNullOrEmpty(query["sig"]));
    }
}
