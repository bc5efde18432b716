using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>The life of a submission, driven through HTTP exactly as the LMS and xqueue-watcher drive it.</summary>
public sealed class GradingFlowTests
{
    [Fact]
    public async Task Files_submitted_as_multipart_download_byte_for_byte_from_the_grader_urls()
    {
        await using var service = await TestService.StartAsync();
        await using var lms = await FakeLms.StartAsync();
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        var binary = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
        var files = new Dictionary<string, byte[]> { ["answer.py"] = "print('héllo')\n"u8.ToArray(), ["data.bin"] = binary };

        var submitted = await client.SubmitAsync(LegacyText.Header(lms.CallbackUrl(1, "files"), "k", TestService.Queue), LegacyText.Body(""), files);
        Assert.Equal(0, submitted.Code);

        var pull = await Pull.NextAsync(watcher);
        Assert.NotNull(pull);
        Assert.Equal(["answer.py", "data.bin"], pull!.Files.Keys.Order());
        using var plain = new HttpClient();
        foreach (var (name, bytes) in files) Assert.Equal(bytes, await plain.GetByteArrayAsync(pull.Files[name]));
    }

    [Fact]
    public async Task Unanswered_pull_is_requeued_after_the_delay_with_a_new_key_and_the_old_key_is_rejected()
    {
        await using var service = await TestService.StartAsync(new Dictionary<string, string?> { ["XQueue:ProcessingDelay"] = "00:00:02" });
        await using var lms = await FakeLms.StartAsync();
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        await client.SubmitAsync(LegacyText.Header(lms.CallbackUrl(1, "slow"), "k", TestService.Queue), LegacyText.Body("x = 1"));

        var first = await Pull.NextAsync(watcher);
        Assert.NotNull(first);
        Assert.Null(await Pull.NextAsync(watcher)); // hidden while the first grader holds it
        Assert.Equal(0, (await watcher.GetQueueLenAsync(TestService.Queue))!.Content.GetInt32());

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(1, (await watcher.GetQueueLenAsync(TestService.Queue))!.Content.GetInt32());
        var second = await Pull.NextAsync(watcher);
        Assert.NotNull(second);
        Assert.Equal(first!.Id, second!.Id);
        Assert.NotEqual(first.Key, second.Key);

        var late = await watcher.PutResultAsync(first.Header, Pull.Result(true, 1, "late"));
        Assert.Equal("{\"return_code\": 1, \"content\": \"Incorrect key for submission\"}", late!.RawBody);
        var current = await watcher.PutResultAsync(second.Header, Pull.Result(true, 1, "<p>ok</p>"));
        Assert.Equal("{\"return_code\": 0, \"content\": \"\"}", current!.RawBody);

        var delivered = await lms.WaitForAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal(Pull.Result(true, 1, "<p>ok</p>"), Assert.Single(delivered).Body);
    }

    [Fact]
    public async Task Resubmitting_for_the_same_long_callback_url_retires_the_earlier_submission_only()
    {
        await using var service = await TestService.StartAsync();
        await using var lms = await FakeLms.StartAsync();
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        var padding = new string('x', 150);
        var url = lms.CallbackUrl(5, "same", padding);
        // Same first 128 characters as url, different problem: the original would have retired it too.
        var neighbour = lms.CallbackUrl(5, "other", padding);
        Assert.True(url.Length > 128 && url[..128] == neighbour[..128]);

        await client.SubmitAsync(LegacyText.Header(url, "k1", TestService.Queue), LegacyText.Body("first"));
        await client.SubmitAsync(LegacyText.Header(neighbour, "k2", TestService.Queue), LegacyText.Body("neighbour"));
        var third = await client.SubmitAsync(LegacyText.Header(url, "k3", TestService.Queue), LegacyText.Body("second"));
        Assert.Equal((0, "2"), third);

        var bodies = new List<string>();
        while (await Pull.NextAsync(watcher) is { } pull) bodies.Add(pull.Body);
        Assert.Equal([LegacyText.Body("neighbour"), LegacyText.Body("second")], bodies.Order());
    }

    [Fact]
    public async Task A_submission_pulled_more_than_MaxFailures_times_fails_and_the_lms_gets_the_failure_notice()
    {
        await using var service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:ProcessingDelay"] = "00:00:01",
            ["XQueue:MaxFailures"] = "1",
        });
        await using var lms = await FakeLms.StartAsync();
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        var header = LegacyText.Header(lms.CallbackUrl(9, "poison"), "k", TestService.Queue);
        await client.SubmitAsync(header, LegacyText.Body("while True: pass"));

        Assert.NotNull(await Pull.NextAsync(watcher));
        await Task.Delay(1300);
        Assert.NotNull(await Pull.NextAsync(watcher));
        await Task.Delay(1300);
        Assert.Null(await Pull.NextAsync(watcher)); // the third hand-out is refused: failed

        var notice = Assert.Single(await lms.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(header, notice.Header);
        Assert.Equal("{\"correct\": null, \"score\": 0, \"msg\": \"<div class=\\\"capa_alert\\\">Your submission could not be graded. " +
                     "Please recheck your submission and try again. If the problem persists, please notify the course staff.</div>\"}", notice.Body);
    }

    [Fact]
    public async Task Put_result_answers_while_the_lms_is_down_and_the_result_arrives_once_it_is_back_without_regrading()
    {
        await using var service = await TestService.StartAsync(new Dictionary<string, string?> { ["XQueue:ProcessingDelay"] = "00:00:01" });
        await using var lms = await FakeLms.StartAsync();
        lms.Status = 503;
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        var header = LegacyText.Header(lms.CallbackUrl(3, "down"), "lms-key", TestService.Queue);
        await client.SubmitAsync(header, LegacyText.Body("print(42)"));

        var pull = await Pull.NextAsync(watcher);
        var answer = await watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "<p>42</p>"));
        Assert.Equal(0, answer!.ReturnCode);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (lms.Attempts < 3 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(lms.Attempts >= 3, $"expected retries while the LMS is down, saw {lms.Attempts}");
        await Task.Delay(1500); // past the processing delay: a requeue would show now
        Assert.Null(await Pull.NextAsync(watcher));

        lms.Status = 200;
        var delivered = Assert.Single(await lms.WaitForAsync(1, TimeSpan.FromSeconds(15)));
        Assert.Equal(header, delivered.Header);
        Assert.Equal(Pull.Result(true, 1, "<p>42</p>"), delivered.Body);
        await Task.Delay(1500);
        Assert.Single(lms.Received);
    }

    [Fact]
    public async Task A_second_put_result_with_the_same_key_amends_the_result_and_is_delivered_again()
    {
        await using var service = await TestService.StartAsync();
        await using var lms = await FakeLms.StartAsync();
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        await client.SubmitAsync(LegacyText.Header(lms.CallbackUrl(2, "amend"), "k", TestService.Queue), LegacyText.Body("x"));
        var pull = await Pull.NextAsync(watcher);

        Assert.Equal(0, (await watcher.PutResultAsync(pull!.Header, Pull.Result(false, 0, "first")))!.ReturnCode);
        await lms.WaitForAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal(0, (await watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, "amended")))!.ReturnCode);

        var delivered = await lms.WaitForAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal([Pull.Result(false, 0, "first"), Pull.Result(true, 1, "amended")], delivered.Select(d => d.Body));
    }
}
