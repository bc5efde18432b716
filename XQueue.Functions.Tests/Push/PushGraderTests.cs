using System.Text;
using System.Text.Json;
using XQueue.Functions.Submissions;
using XQueue.Functions.Handouts;
using XQueue.Functions.Tests.Chaos;

namespace XQueue.Functions.Tests.Push;

/// <summary>
/// Push queues end to end: the LMS submits, the service POSTs to a real grader listener, and the grader's
/// answer reaches a real LMS listener — or, after MaxFailures failed attempts, the legacy failure notice.
/// </summary>
public sealed class PushGraderTests
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_grader_gets_the_originals_json_and_its_reply_reaches_the_lms_verbatim()
    {
        await using var rig = await PushRig.StartAsync(pushUrl: grader => $"http://pusher:s3cret@{grader.Authority}/grade");
        // Non-ASCII and "é" as UTF-8 in the reply: both must come through byte for byte.
        const string reply = "{\"correct\": true, \"score\": 0.5, \"msg\": \"<p>Bien jou\u00e9 \\\"ok\\\"</p>\"}";
        rig.Grader.Answer = _ => Task.FromResult(Results.Text(reply, "application/json; charset=utf-8"));

        const string body = "{\"student_response\": \"print('h\u00e9')\\n\", \"grader_payload\": \"g\"}";
        await rig.SubmitAsync(1, "shape", body);

        var request = Assert.Single(await rig.Grader.WaitForAsync(1, Patience));
        // json.dumps of {"xqueue_body": body, "xqueue_files": json.dumps({})}: ", " and ": ", ensure_ascii.
        Assert.Equal("{\"xqueue_body\": \"{\\\"student_response\\\": \\\"print('h\\u00e9')\\\\n\\\", \\\"grader_payload\\\": \\\"g\\\"}\", \"xqueue_files\": \"{}\"}",
            request.Body);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("pusher:s3cret")), request.Authorization);

        var delivered = Assert.Single(await rig.Lms.WaitForAsync(1, Patience));
        Assert.Equal(reply, delivered.Body);
        Assert.Equal(rig.Header(1, "shape"), delivered.Header);
        // Delivery records the result in the entity right after the LMS took it: wait for that write, not past it.
        Assert.True(await Eventually.HoldsAsync(async () => (await rig.SubmissionsAsync()).Single().Status == SubmissionStatus.Retired, Patience, TimeSpan.FromMilliseconds(50)));
        Assert.Equal(1, Assert.Single(await rig.SubmissionsAsync()).Pulls);
    }

    [Fact]
    public async Task Files_reach_the_grader_as_a_json_string_of_names_to_urls_that_download()
    {
        await using var rig = await PushRig.StartAsync();
        var files = new Dictionary<string, byte[]> { ["answer.py"] = "print('h\u00e9llo')\n"u8.ToArray() };
        await rig.SubmitAsync(2, "files", "{\"student_response\": \"\"}", files);

        var request = Assert.Single(await rig.Grader.WaitForAsync(1, Patience));
        Assert.StartsWith("{\"xqueue_body\": \"{\\\"student_response\\\": \\\"\\\"}\", \"xqueue_files\": \"{\\\"answer.py\\\": \\\"http", request.Body);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal(["xqueue_body", "xqueue_files"], json.RootElement.EnumerateObject().Select(p => p.Name));
        using var urls = JsonDocument.Parse(json.RootElement.GetProperty("xqueue_files").GetString()!);
        using var plain = new HttpClient();
        Assert.Equal(files["answer.py"], await plain.GetByteArrayAsync(urls.RootElement.GetProperty("answer.py").GetString()));
        Assert.Single(await rig.Lms.WaitForAsync(1, Patience));
    }

    [Fact]
    public async Task A_grader_slower_than_the_timeout_fails_that_attempt_and_the_retry_is_delivered()
    {
        await using var rig = await PushRig.StartAsync();
        rig.Grader.Answer = async n =>
        {
            if (n == 1) await Task.Delay(TimeSpan.FromSeconds(6)); // three times XQueue:Push:Timeout
            return Results.Text(FakeGrader.Reply(n));
        };
        await rig.SubmitAsync(3, "slow", "{}");

        var delivered = Assert.Single(await rig.Lms.WaitForAsync(1, Patience));
        Assert.Equal(FakeGrader.Reply(2), delivered.Body);
        var requests = rig.Grader.Received.ToArray();
        Assert.Equal(2, requests.Length);
        // The retry came after the timeout (2 s) and the first backoff (at least 1 s).
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(2.9), $"retried after {requests[1].At - requests[0].At}");
        var stored = Assert.Single(await rig.SubmissionsAsync());
        Assert.Contains(stored.History, e => e.Kind == "push" && e.Detail!.StartsWith("push attempt 1 of 3 failed: timeout"));
    }

    [Fact]
    public async Task Http_500_then_200_gives_exactly_one_result()
    {
        await using var rig = await PushRig.StartAsync();
        rig.Grader.Answer = n => Task.FromResult(n == 1 ? Results.StatusCode(500) : Results.Text(FakeGrader.Reply(n)));
        await rig.SubmitAsync(4, "flaky", "{}");

        Assert.Single(await rig.Lms.WaitForAsync(1, Patience));
        await Task.Delay(TimeSpan.FromSeconds(3)); // longer than any backoff: a second result or POST would show by now
        Assert.Equal(FakeGrader.Reply(2), Assert.Single(rig.Lms.Received).Body);
        Assert.Equal(2, rig.Grader.Received.Count);
        Assert.Equal(2, Assert.Single(await rig.SubmissionsAsync()).Pulls);
    }

    [Fact]
    public async Task A_grader_that_always_fails_gets_exactly_MaxFailures_posts_then_the_lms_gets_the_failure_notice()
    {
        await using var rig = await PushRig.StartAsync();
        rig.Grader.Answer = _ => Task.FromResult(Results.StatusCode(500));
        await rig.SubmitAsync(5, "broken", "{}");

        var notice = Assert.Single(await rig.Lms.WaitForAsync(1, Patience));
        Assert.Equal(FailureNotice.Body, notice.Body);
        Assert.Equal(rig.Header(5, "broken"), notice.Header);
        Assert.Equal(3, rig.Grader.Received.Count);

        // Nothing more comes: the work message is gone, so no fourth POST after the longest backoff and lease.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(3, rig.Grader.Received.Count);
        Assert.Single(rig.Lms.Received);
        var stored = Assert.Single(await rig.SubmissionsAsync());
        Assert.Equal(SubmissionStatus.Failed, stored.Status);
        Assert.Equal(3, stored.Pulls);
        Assert.Equal(3, stored.History.Count(e => e.Kind == "push"));
        var failed = await rig.Service.Get<FailedIndex>().PageAsync(PushRig.Queue, 10, null);
        Assert.Equal(stored.Id, Assert.Single(failed).Id);
    }

    [Fact]
    public async Task Pushes_run_concurrently_but_never_more_than_Concurrency_at_once()
    {
        await using var rig = await PushRig.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:Push:Concurrency"] = "3",
            // Held requests must not time out: the last one waits for company that never comes.
            ["XQueue:Push:Timeout"] = "00:00:20",
            [$"XQueue:Queues:{PushRig.Queue}:ProcessingDelay"] = "00:01:00",
        });
        // Each request is held until three are in flight (or 3 s pass), then a little longer, so a fourth
        // would overlap if the service ever allowed it.
        rig.Grader.Answer = async n =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(3);
            while (rig.Grader.InFlight < 3 && DateTime.UtcNow < deadline) await Task.Delay(20);
            await Task.Delay(300);
            return Results.Text(FakeGrader.Reply(n));
        };
        for (var user = 1; user <= 7; user++) await rig.SubmitAsync(user, "many", "{}");

        Assert.Equal(7, (await rig.Lms.WaitForAsync(7, Patience)).Count);
        Assert.Equal(3, rig.Grader.MaxInFlight);
        Assert.Equal(7, rig.Grader.Received.Count);
    }
}
