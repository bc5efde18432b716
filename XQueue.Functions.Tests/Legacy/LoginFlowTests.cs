using System.Net;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Legacy;

/// <summary>Both real clients' ways of logging in, reproduced over HTTP (reference §1.3, §8.2, §9.1).</summary>
public sealed class LoginFlowTests
{
    [Fact]
    public async Task Lms_follows_the_redirect_sees_login_required_logs_in_and_resubmits()
    {
        await using var service = await TestService.StartAsync();
        await using var lms = await FakeLms.StartAsync();
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);

        var header = LegacyText.Header(lms.CallbackUrl(7, "p1"), "key-1", TestService.Queue);
        var (code, message) = await client.SubmitAsync(header, LegacyText.Body("print(1)"));

        Assert.Equal((0, "1"), (code, message));
        Assert.Equal(1, client.Logins);

        // The session now carries the next submit without a new login.
        var second = await client.SubmitAsync(LegacyText.Header(lms.CallbackUrl(8, "p1"), "key-2", TestService.Queue), LegacyText.Body("print(2)"));
        Assert.Equal((0, "2"), second);
        Assert.Equal(1, client.Logins);
    }

    [Fact]
    public async Task Lms_with_wrong_password_gets_the_login_error()
    {
        await using var service = await TestService.StartAsync();
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, "wrong");

        var result = await client.SubmitAsync(LegacyText.Header("http://lms.example/courses/x/xqueue/1/b/score_update", "k", TestService.Queue), "{}");

        Assert.Equal((1, "Incorrect login credentials"), result);
    }

    [Fact]
    public async Task Watcher_is_redirected_without_session_prefetches_logs_in_and_retries()
    {
        await using var service = await TestService.StartAsync();
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);

        var reply = await watcher.GetSubmissionAsync(TestService.Queue);

        Assert.NotNull(reply);
        Assert.Equal(1, watcher.Logins);
        Assert.Equal($"Queue '{TestService.Queue}' is empty", reply!.Text);
    }

    [Fact]
    public async Task Unauthenticated_requests_get_302_to_login_with_next()
    {
        await using var service = await TestService.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };

        foreach (var path in new[] { "/xqueue/submit/", "/xqueue/get_queuelen/?queue_name=test-pull", "/xqueue/get_submission/?queue_name=test-pull", "/xqueue/put_result/" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
            Assert.StartsWith("/xqueue/login/?next=", response.Headers.Location!.OriginalString);
            Assert.Contains(path.Split('?')[0], Uri.UnescapeDataString(response.Headers.Location.OriginalString));
        }
    }

    [Fact]
    public async Task Login_sets_session_and_csrf_cookies_and_logout_ends_the_session()
    {
        await using var service = await TestService.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = service.BaseAddress };

        using var login = await http.PostAsync("/xqueue/login/", new FormUrlEncodedContent([new("username", TestService.GraderUser), new("password", TestService.GraderPassword)]));
        var cookies = login.Headers.GetValues("Set-Cookie").ToArray();
        var session = cookies.Single(c => c.StartsWith("sessionid=")).Split(';')[0];
        Assert.Contains(cookies, c => c.StartsWith("csrftoken="));
        Assert.Contains("httponly", cookies.Single(c => c.StartsWith("sessionid=")), StringComparison.OrdinalIgnoreCase);

        async Task<HttpStatusCode> PollWith(string cookie)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/xqueue/get_queuelen/?queue_name=test-pull");
            request.Headers.Add("Cookie", cookie);
            request.Headers.Add("X-CSRFToken", "anything");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "ZWR4OmVkeA==");
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await PollWith(session));

        using var logoutRequest = new HttpRequestMessage(HttpMethod.Post, "/xqueue/logout/");
        logoutRequest.Headers.Add("Cookie", session);
        using var logout = await http.SendAsync(logoutRequest);
        Assert.Equal("{\"return_code\": 0, \"content\": \"Goodbye\"}", await logout.Content.ReadAsStringAsync());

        // The old cookie value no longer works, even though its signature and expiry are still valid.
        Assert.Equal(HttpStatusCode.Found, await PollWith(session));
    }

    [Fact]
    public async Task A_session_is_valid_on_another_instance_sharing_the_storage()
    {
        await using var first = await TestService.StartAsync();
        await using var second = await TestService.StartAsync(prefix: first.Prefix);
        using var watcher = new WatcherClient(first.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        Assert.True(await watcher.LoginAsync());

        using var other = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = second.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/xqueue/get_queuelen/?queue_name=test-pull");
        request.Headers.Add("Cookie", watcher.SessionCookieHeader());
        using var response = await other.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"return_code\": 0, \"content\": 0}", await response.Content.ReadAsStringAsync());
    }
}
