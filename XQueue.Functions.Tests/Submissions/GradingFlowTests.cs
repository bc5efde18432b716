using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Intake;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>The life of a submission, driven through HTTP exactly as the LMS and xqueue-watcher drive it.</summary>
public sealed class GradingFlowTests
{
    static Dictionary<string, string?> Delay(string delay) => new() { ["XQueue:ProcessingDelay"] = delay };

    [Fact]
    public async Task Files_submitted_as_multipart_download_byte_for_byte_from_the_grader_urls()
    {
        await using var rig = await GradingRig.StartAsync();
        var binary = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
        var files = new Dictionary<string, byte[]> { ["answer.py"] = "print('héllo')\n"u8.ToArray(), ["data.bin"] = binary };

        Assert.Equal(0, (await rig.SubmitAsync(1, "files", "", files)).Code);

        var pull = await Pull.NextAsync(rig.Watcher);
        Assert.Equal(["answer.py", "data.bin"], pull!.Files.Keys.Order());
        using var plain = new HttpClient();
        foreach (var (name, bytes) in files) Assert.Equal(bytes, await plain.GetByteArrayAsync(pull.Files[name]));
    }

    [Fact]
    public async Task Unanswered_pull_is_requeued_after_the_delay_with_a_new_key_and_the_old_key_is_rejected()
    {
        await using var rig = await GradingRig.StartAsync(Delay("00:00:02"));
        await rig.SubmitAsync(1, "slow", "x = 1");

        var first = await Pull.NextAsync(rig.Watcher);
        Assert.NotNull(first);
        Assert.Null(await Pull.NextAsync(rig.Watcher)); // hidden while the first grader holds it
        Assert.Equal(0, (await rig.Watcher.GetQueueLenAsync(TestService.Queue))!.Content.GetInt32());

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(1, (await rig.Watcher.GetQueueLenAsync(TestService.Queue))!.Content.GetInt32());
        var second = await Pull.NextAsync(rig.Watcher);
        Assert.Equal(first!.Id, second!.Id);
        Assert.NotEqual(first.Key, second.Key);

        var late = await rig.Watcher.PutResultAsync(first.Header, Pull.Result(true, 1, "late"));
        Assert.Equal("{\"return_code\": 1, \"content\": \"Incorrect key for submission\"}", late!.RawBody);
        var current = await rig.Watcher.PutResultAsync(second.Header, Pull.Result(true, 1, "<p>ok</p>"));
        Assert.Equal("{\"return_code\": 0, \"content\": \"\"}", current!.RawBody);

        var delivered = await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal(Pull.Result(true, 1, "<p>ok</p>"), Assert.Single(delivered).Body);
    }

    [Fact]
    public async Task Resubmitting_for_the_same_long_callback_url_retires_the_earlier_submission_only()
    {
        await using var rig = await GradingRig.StartAsync();
        var padding = new string('x', 150);
        var url = rig.Lms.CallbackUrl(5, "same", padding);
        // Same first 128 characters as url, different problem: the original would have retired it too.
        var neighbour = rig.Lms.CallbackUrl(5, "other", padding);
        Assert.True(url.Length > 128 && url[..128] == neighbour[..128]);

        await rig.LmsClient.SubmitAsync(rig.Header(5, "same", "k1", padding), LegacyText.Body("first"));
        await rig.LmsClient.SubmitAsync(rig.Header(5, "other", "k2", padding), LegacyText.Body("neighbour"));
        Assert.Equal((0, "2"), await rig.LmsClient.SubmitAsync(rig.Header(5, "same", "k3", padding), LegacyText.Body("second")));

        var bodies = new List<string>();
        while (await Pull.NextAsync(rig.Watcher) is { } pull) bodies.Add(pull.Body);
        Assert.Equal([LegacyText.Body("neighbour"), LegacyText.Body("second")], bodies.Order());
    }

    [Fact]
    public async Task A_submission_pulled_more_than_MaxFailures_times_fails_and_the_lms_gets_the_failure_notice()
    {
        var settings = Delay("00:00:01");
        settings["XQueue:MaxFailures"] = "1";
        await using var rig = await GradingRig.StartAsync(settings);
        await rig.SubmitAsync(9, "poison", "while True: pass");

        Assert.NotNull(await Pull.NextAsync(rig.Watcher));
        await Task.Delay(1300);
        Assert.NotNull(await Pull.NextAsync(rig.Watcher));
        await Task.Delay(1300);
        Assert.Null(await Pull.NextAsync(rig.Watcher)); // the third hand-out is refused: failed

        var notice = Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(rig.Header(9, "poison"), notice.Header);
        Assert.Equal("{\"correct\": null, \"score\": 0, \"msg\": \"<div class=\\\"capa_alert\\\">Your submission could not be graded. " +
                     "Please recheck your submission and try again. If the problem persists, please notify the course staff.</div>\"}", notice.Body);
    }

    [Fact]
    public async Task Put_result_answers_while_the_lms_is_down_and_the_result_arrives_once_it_is_back_without_regrading()
    {
        await using var rig = await GradingRig.StartAsync(Delay("00:00:01"));
        rig.Lms.Status = 503;
        await rig.SubmitAsync(3, "down", "print(42)");

        var pull = await Pull.NextAsync(rig.Watcher);
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "<p>42</p>")))!.ReturnCode);

        var deadline = DateTime.UtcNow.AddSeconds(20); // a bound for a loaded machine, not the expected time
        while (rig.Lms.Attempts < 3 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(rig.Lms.Attempts >= 3, $"expected retries while the LMS is down, saw {rig.Lms.Attempts}");
        await Task.Delay(1500); // past the processing delay: a requeue would show now
        Assert.Null(await Pull.NextAsync(rig.Watcher));

        rig.Lms.Status = 200;
        var delivered = Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(15)));
        Assert.Equal(rig.Header(3, "down"), delivered.Header);
        Assert.Equal(Pull.Result(true, 1, "<p>42</p>"), delivered.Body);
        await Task.Delay(1500);
        Assert.Single(rig.Lms.Received);
    }

    [Fact]
    public async Task A_second_put_result_with_the_same_key_amends_the_result_and_is_delivered_again()
    {
        await using var rig = await GradingRig.StartAsync();
        await rig.SubmitAsync(2, "amend", "x");
        var pull = await Pull.NextAsync(rig.Watcher);

        Assert.Equal(0, (await rig.Watcher.PutResultAsync(pull!.Header, Pull.Result(false, 0, "first")))!.ReturnCode);
        await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, "amended")))!.ReturnCode);

        var delivered = await rig.Lms.WaitForAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal([Pull.Result(false, 0, "first"), Pull.Result(true, 1, "amended")], delivered.Select(d => d.Body));
    }

    [Fact]
    public async Task Bodies_and_replies_too_large_for_a_table_property_round_trip_through_blobs()
    {
        await using var rig = await GradingRig.StartAsync();
        var code = string.Concat(Enumerable.Repeat("print('é') # padding\n", 5_000)); // ~110,000 characters
        var verdict = Pull.Result(true, 1, new string('v', 50_000));
        await rig.SubmitAsync(1, "large", code);

        var pull = await Pull.NextAsync(rig.Watcher);
        Assert.Equal(LegacyText.Body(code), pull!.Body);
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(pull.Header, verdict))!.ReturnCode);
        Assert.Equal(verdict, Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10))).Body);
    }

    [Fact]
    public async Task A_submission_whose_stored_body_cannot_be_read_gets_the_legacy_fetch_error()
    {
        await using var rig = await GradingRig.StartAsync();
        var intake = rig.Service.Get<XQueue.Functions.Intake.SubmissionIntake>();
        var (id, _) = await intake.AcceptAsync(new(TestService.Queue, rig.Header(1, "lost"), rig.Lms.CallbackUrl(1, "lost"),
            new string('x', 20_000), [], null));
        var stored = await rig.Service.Get<XQueue.Functions.Submissions.SubmissionStore>().GetAsync(id);
        var storage = rig.Service.Get<XQueue.Functions.Storage.StorageAccount>();
        Assert.True(await storage.GetContainer(rig.Service.Prefix + "files").DeleteBlobIfExistsAsync(stored!.Body.BlobName!));

        var reply = await rig.Watcher.GetSubmissionAsync(TestService.Queue);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Error fetching submission for test-pull. Please try again.\"}", reply!.RawBody);
    }
}
