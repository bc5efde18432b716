using System.Net;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Tests.Auth;

/// <summary>Bearer tokens on the legacy endpoints: each scope opens exactly its endpoints; forgeries open none.</summary>
public sealed class BearerTokenTests
{
    const string Queue = TestService.Queue;

    static (string, string)[] Submission(int n) =>
        [("xqueue_header", LegacyText.Header($"http://127.0.0.1:9/cb/{n}", "k", Queue)), ("xqueue_body", LegacyText.Body("x = 1"))];

    /// <summary>The HTTP status of each endpoint for this token: 200 means it got past authorization.</summary>
    static async Task<HttpStatusCode[]> StatusesAsync(TestService service, string token, string scheme = "Bearer")
    {
        using var client = RawClient.WithToken(service, token, scheme);
        return
        [
            (await client.PostFormAsync("/xqueue/submit/", Submission(1))).Status,
            (await client.GetAsync($"/xqueue/get_queuelen/?queue_name={Queue}")).Status,
            (await client.GetAsync($"/xqueue/get_submission/?queue_name={Queue}")).Status,
            (await client.PostFormAsync("/xqueue/put_result/", ("xqueue_header", "{}"), ("xqueue_body", "{}"))).Status,
        ];
    }

    [Fact]
    public async Task Each_scope_opens_exactly_its_endpoints_for_both_issuers_and_both_header_forms()
    {
        await using var service = await TestService.StartAsync(TestTokens.Settings());
        const HttpStatusCode ok = HttpStatusCode.OK, no = HttpStatusCode.Forbidden;

        Assert.Equal(new[] { ok, no, no, no }, await StatusesAsync(service, TestTokens.Hs("lms-1", "xqueue:submit")));
        Assert.Equal(new[] { no, ok, ok, ok }, await StatusesAsync(service, TestTokens.Hs("grader-1", "xqueue:score")));
        Assert.Equal(new[] { no, no, no, no }, await StatusesAsync(service, TestTokens.Hs("ops", "xqueue:admin")));
        Assert.Equal(new[] { ok, ok, ok, ok }, await StatusesAsync(service, TestTokens.Hs("both", "xqueue:submit xqueue:score")));
        Assert.Equal(new[] { ok, no, no, no }, await StatusesAsync(service, TestTokens.Rs("lms", "xqueue:submit"), "JWT"));
        Assert.Equal(new[] { no, ok, ok, ok }, await StatusesAsync(service, TestTokens.Rs("lms", "xqueue:score"), "JWT"));
        Assert.Equal(new[] { ok, no, no, no }, await StatusesAsync(service, TestTokens.Rs("lms", "xqueue:submit")));
        Assert.Equal(new[] { no, ok, ok, ok }, await StatusesAsync(service, TestTokens.Hs("grader-1", "xqueue:score"), "JWT"));
        // A key being rotated out still verifies.
        Assert.Equal(new[] { no, ok, ok, ok }, await StatusesAsync(service, TestTokens.Hs("grader-1", "xqueue:score", key: TestTokens.OldHsKey)));
    }

    // Made when each case runs, not when the cases are listed: a suite runs for minutes, and a token made at listing
    // time would have come of age (its not-before passed) by the time its case ran.
    static readonly Dictionary<string, Func<string>> Forgeries = new()
    {
        ["expired"] = () => TestTokens.Hs("g", "xqueue:score", expiresIn: TimeSpan.FromMinutes(-5)),
        ["not yet valid"] = () => TestTokens.Hs("g", "xqueue:score", notBeforeIn: TimeSpan.FromMinutes(5)),
        ["wrong issuer"] = () => TestTokens.Hs("g", "xqueue:score", issuer: "someone-else"),
        ["self-issued kind under the LMS issuer"] = () => TestTokens.Hs("g", "xqueue:score", issuer: TestTokens.LmsIssuer),
        ["wrong audience"] = () => TestTokens.Hs("g", "xqueue:score", audience: "another-service"),
        ["forged HS256 signature"] = () => TestTokens.Hs("g", "xqueue:score", key: Convert.ToBase64String(new byte[32])),
        ["forged RS256 signature"] = () => TestTokens.Rs("g", "xqueue:score", key: new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "lms-1" }),
        ["LMS key under the self issuer"] = () => TestTokens.Rs("g", "xqueue:score", issuer: TestTokens.Issuer),
        ["alg none"] = () => TestTokens.Unsigned("g", "xqueue:score"),
        ["HS/RS confusion, LMS issuer"] = () => TestTokens.Confused("g", "xqueue:score", TestTokens.LmsIssuer),
        ["HS/RS confusion, self issuer"] = () => TestTokens.Confused("g", "xqueue:score", TestTokens.Issuer),
        ["not a token"] = () => "not.a.token",
    };

    public static TheoryData<string> ForgeryNames() => new(Forgeries.Keys);

    [Theory]
    [MemberData(nameof(ForgeryNames))]
    public async Task Bad_tokens_are_refused_with_401_and_never_fall_back_to_anything(string why)
    {
        await using var service = await TestService.StartAsync(TestTokens.Settings());
        using var client = RawClient.WithToken(service, Forgeries[why]());
        var (status, _) = await client.GetAsync($"/xqueue/get_queuelen/?queue_name={Queue}");
        Assert.True(status == HttpStatusCode.Unauthorized, $"{why}: {status}");
        var (submitStatus, _) = await client.PostFormAsync("/xqueue/submit/", Submission(2));
        Assert.True(submitStatus == HttpStatusCode.Unauthorized, $"{why}: {submitStatus}");
    }

    [Fact]
    public async Task A_session_cookie_still_works_beside_tokens_and_basic_auth_is_ignored()
    {
        await using var service = await TestService.StartAsync(TestTokens.Settings());
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        Assert.True(await watcher.LoginAsync());
        Assert.Equal(0, (await watcher.GetQueueLenAsync(Queue))!.ReturnCode);

        using var basic = RawClient.Anonymous(service);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/xqueue/get_queuelen/?queue_name={Queue}");
        request.Headers.Authorization = new("Basic", Convert.ToBase64String("proxy:secret"u8.ToArray()));
        var (status, _) = await basic.SendAsync(request);
        Assert.Equal(HttpStatusCode.Found, status); // no session: the legacy redirect to the login page
    }
}
