using System.Net;
using System.Security.Cryptography;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Auth;

/// <summary>Session cookies: fresh id per login, cookie attributes, sliding renewal, signing-key rotation.</summary>
public sealed class SessionHardeningTests
{
    static async Task<(string Cookie, string SetCookie)> LoginAsync(TestService service, string? forwardedProto = null)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = service.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/xqueue/login/")
        {
            Content = new FormUrlEncodedContent([new("username", TestService.GraderUser), new("password", TestService.GraderPassword)]),
        };
        if (forwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        using var response = await http.SendAsync(request);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("sessionid=", StringComparison.Ordinal));
        return (setCookie.Split(';')[0], setCookie);
    }

    static async Task<HttpResponseMessage> PollAsync(TestService service, string cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/xqueue/get_queuelen/?queue_name={TestService.Queue}");
        request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Every_login_gets_a_new_session_with_HttpOnly_SameSite_Lax_and_Secure_behind_https()
    {
        await using var service = await TestService.StartAsync();
        var (first, plain) = await LoginAsync(service);
        var (second, _) = await LoginAsync(service);
        Assert.NotEqual(first, second);
        Assert.Contains("httponly", plain, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", plain, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", plain, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", plain, StringComparison.OrdinalIgnoreCase);
        var (_, https) = await LoginAsync(service, "https");
        Assert.Contains("secure", https, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_session_used_past_half_its_lifetime_is_renewed_and_an_idle_one_ends()
    {
        var clock = new ShiftedClock();
        await using var service = await TestService.StartAsync(new Dictionary<string, string?> { ["XQueue:Sessions:Lifetime"] = "00:10:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        var (cookie, _) = await LoginAsync(service);

        using (var early = await PollAsync(service, cookie)) Assert.False(early.Headers.Contains("Set-Cookie"));
        clock.Offset = TimeSpan.FromMinutes(6);
        string renewed;
        using (var late = await PollAsync(service, cookie))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
            renewed = late.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        }
        clock.Offset = TimeSpan.FromMinutes(12); // past the first cookie's expiry, within the renewed one's
        using (var old = await PollAsync(service, cookie)) Assert.Equal(HttpStatusCode.Found, old.StatusCode);
        using (var kept = await PollAsync(service, renewed)) Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        clock.Offset = TimeSpan.FromMinutes(30);
        using (var idle = await PollAsync(service, renewed)) Assert.Equal(HttpStatusCode.Found, idle.StatusCode);
    }

    [Fact]
    public async Task Rotated_signing_keys_keep_old_sessions_until_the_old_key_is_dropped()
    {
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var prefix = Azurite.NewPrefix();
        string oldCookie;
        await using (var before = await TestService.StartAsync(new Dictionary<string, string?> { ["XQueue:Sessions:SigningKey"] = oldKey }, prefix: prefix))
        {
            (oldCookie, _) = await LoginAsync(before);
        }

        await using (var during = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:Sessions:SigningKey"] = newKey,
            ["XQueue:Sessions:PreviousSigningKeys"] = oldKey,
        }, prefix: prefix))
        {
            using var stillValid = await PollAsync(during, oldCookie);
            Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        }

        await using var after = await TestService.StartAsync(new Dictionary<string, string?> { ["XQueue:Sessions:SigningKey"] = newKey }, prefix: prefix);
        using var dropped = await PollAsync(after, oldCookie);
        Assert.Equal(HttpStatusCode.Found, dropped.StatusCode);
        var (newCookie, _) = await LoginAsync(after);
        using var fresh = await PollAsync(after, newCookie);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }
}
