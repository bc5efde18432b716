using System.Diagnostics;
using System.Net;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Auth;

/// <summary>Throttling with small configured windows, so every test is bounded to a few seconds.</summary>
public sealed class ThrottlingTests
{
    [Fact]
    public async Task A_grader_polling_faster_than_its_limit_gets_429_with_Retry_After_then_recovers()
    {
        await using var service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:Throttling:Polls:Limit"] = "3",
            ["XQueue:Throttling:Polls:Window"] = "00:00:05", // long enough for four polls on a loaded machine
        });
        var cookie = await SessionCookieAsync(service);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = service.BaseAddress };
        async Task<HttpResponseMessage> PollAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/xqueue/get_submission/?queue_name={TestService.Queue}");
            request.Headers.Add("Cookie", cookie);
            return await http.SendAsync(request);
        }

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await PollAsync()).StatusCode);
        using var limited = await PollAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 5);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Too many requests, please slow down\"}", await limited.Content.ReadAsStringAsync());

        await Task.Delay(limited.Headers.RetryAfter.Delta.Value + TimeSpan.FromMilliseconds(300));
        Assert.Equal(HttpStatusCode.OK, (await PollAsync()).StatusCode);
    }

    // The LMS is one principal, and it gives the learner up on any non-200: by default a burst of its submits,
    // well past what the old default (200 in a second) let through, is never answered 429.
    [Fact]
    public async Task A_burst_of_submits_from_the_LMS_is_not_throttled_by_default()
    {
        await using var service = await TestService.StartAsync();
        var statuses = await SubmitBurstAsync(service, 400);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task An_opt_in_submit_limit_answers_429_past_it()
    {
        await using var service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:Throttling:Submits:Limit"] = "50",
            ["XQueue:Throttling:Submits:Window"] = "00:01:00", // nothing refills while the burst runs
        });
        var statuses = await SubmitBurstAsync(service, 80);
        Assert.Equal(50, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.Equal(30, statuses.Count(status => status == HttpStatusCode.TooManyRequests));
    }

    /// <summary>
    /// <paramref name="count"/> submits from the LMS's session, 40 at a time. Their header is not valid, so each
    /// is answered without a storage call: the burst is as fast as the throttle can see it.
    /// </summary>
    static async Task<List<HttpStatusCode>> SubmitBurstAsync(TestService service, int count)
    {
        using var lms = await RawClient.LoginAsync(service);
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 40 }, async (i, _) =>
            statuses.Add((await lms.PostFormAsync("/xqueue/submit/", ("xqueue_header", "{}"), ("xqueue_body", $"burst {i}"))).Status));
        return [.. statuses];
    }

    [Fact]
    public async Task Thirty_bad_passwords_slow_further_attempts_and_the_right_password_works_afterwards()
    {
        await using var service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:Throttling:LoginFailures:Limit"] = "5",
            ["XQueue:Throttling:LoginFailures:Window"] = "00:00:05", // then one more attempt per second
        });
        using var attacker = RawClient.Anonymous(service);
        var refused = 0;
        var last = "";
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 30; i++)
        {
            var (status, body) = await attacker.PostFormAsync("/xqueue/login/", ("username", TestService.GraderUser), ("password", $"guess-{i}"));
            if (status == HttpStatusCode.TooManyRequests) refused++;
            last = $"{status} {body}";
        }
        // Five at once, then one per second of the time the guesses took (a loaded machine makes them slower).
        var allowed = 5 + (int)Math.Ceiling(clock.Elapsed.TotalSeconds);
        Assert.True(refused > 0 && 30 - refused <= allowed,
            $"{30 - refused} of 30 guesses got through in {clock.Elapsed.TotalSeconds:F1} s; at most {allowed} may (last: {last})");

        // Slowed, not locked out: once the bucket refills a little, the real password gets in.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        Assert.True(await watcher.LoginAsync());

        // Successful logins spend nothing: the LMS logging in before every submit is never slowed.
        for (var i = 0; i < 20; i++) using (await RawClient.LoginAsync(service)) { }
    }

    static async Task<string> SessionCookieAsync(TestService service)
    {
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        Assert.True(await watcher.LoginAsync());
        return watcher.SessionCookieHeader();
    }
}
