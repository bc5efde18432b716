using Azure.Core;
using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>
/// Invariant 1: a storage write that fails for good part-way through submit or put_result (what a crash
/// between two writes leaves behind) never produces an acknowledged-but-lost submission or result.
/// </summary>
public sealed class CrashSafetyTests
{
    static Task<TestService> StartWithFaults(StorageFaults faults, TimeProvider? clock = null) =>
        TestService.StartAsync(new Dictionary<string, string?> { ["XQueue:ProcessingDelay"] = "00:00:02" }, services =>
        {
            var options = new StorageClientOptions();
            options.AddPolicy(faults, HttpPipelinePosition.PerCall);
            services.AddSingleton(options);
            if (clock is not null) services.AddSingleton(clock);
        });

    [Theory]
    [InlineData(1)] // file blob
    [InlineData(2)] // work message
    [InlineData(3)] // submission entity
    [InlineData(4)] // callback index (after the submission is durable)
    public async Task Submit_failing_at_any_write_is_refused_and_only_a_durable_submission_is_ever_graded(int failingWrite)
    {
        var faults = new StorageFaults();
        await using var service = await StartWithFaults(faults);
        await using var lms = await FakeLms.StartAsync();
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        Assert.True(await watcher.LoginAsync());

        faults.Arm(failingWrite);
        var header = LegacyText.Header(lms.CallbackUrl(2, "crash"), "k1", TestService.Queue);
        var (code, message) = await client.SubmitAsync(header, LegacyText.Body("print(1)"), new Dictionary<string, byte[]> { ["a.py"] = "x"u8.ToArray() });
        faults.Arm(0);

        // Every write comes before the reply, so the LMS is never told "queued" for a half-written submission.
        Assert.Equal((1, "unexpected HTTP status code [503]"), (code, message));
        var pull = await Pull.NextAsync(watcher);
        if (failingWrite <= 3)
        {
            Assert.Null(pull);
            return;
        }
        // Entity and message were both durable: it is graded and delivered like any other (the LMS ignores a
        // result whose key it never stored, so the refused submit costs nothing more).
        Assert.NotNull(pull);
        await watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "graded"));
        Assert.Equal(header, Assert.Single(await lms.WaitForAsync(1, TimeSpan.FromSeconds(10))).Header);
    }

    [Fact]
    public async Task A_work_message_whose_submit_died_before_the_entity_is_dropped_after_the_grace_period()
    {
        var faults = new StorageFaults();
        var clock = new ShiftedClock();
        await using var service = await StartWithFaults(faults, clock);
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);

        faults.Arm(2); // the entity insert (no files: message first, then entity)
        var (code, _) = await client.SubmitAsync(LegacyText.Header("http://127.0.0.1:9/courses/c/xqueue/1/b/score_update", "k", TestService.Queue), LegacyText.Body("x"));
        Assert.Equal(2, faults.Writes.Count);
        Assert.Contains("/messages", faults.Writes[0]); // the message was written, the entity was not
        faults.Arm(0);
        Assert.NotEqual(0, code);

        Assert.Null(await Pull.NextAsync(watcher)); // too young to judge: left alone
        clock.Offset = TimeSpan.FromMinutes(3);
        await Task.Delay(2500);
        Assert.Null(await Pull.NextAsync(watcher)); // now recognised as an orphan and deleted
        var work = service.Get<XQueue.Functions.Submissions.QueueCatalog>().WorkQueue(TestService.Queue);
        Assert.Equal(0, await work.GetApproximateCountAsync());
    }

    [Theory]
    [InlineData(1)] // outbox entry
    [InlineData(2)] // submission entity (reply)
    [InlineData(3)] // work message delete
    public async Task Put_result_failing_at_any_write_is_either_refused_and_regraded_or_delivered_once(int failingWrite)
    {
        var faults = new StorageFaults();
        await using var service = await StartWithFaults(faults);
        await using var lms = await FakeLms.StartAsync();
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        await client.SubmitAsync(LegacyText.Header(lms.CallbackUrl(4, "put"), "k", TestService.Queue), LegacyText.Body("x"));
        var pull = await Pull.NextAsync(watcher);

        faults.Arm(failingWrite);
        var put = await watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "first"));
        faults.Arm(0);

        if (put is { ReturnCode: 0 })
        {
            Assert.Single(await lms.WaitForAsync(1, TimeSpan.FromSeconds(10)));
            await Task.Delay(2500);
            Assert.Null(await Pull.NextAsync(watcher)); // acknowledged: never handed out again
            Assert.Single(lms.Received);
        }
        else
        {
            await Task.Delay(2500);
            var again = await Pull.NextAsync(watcher); // not acknowledged: graded again, then delivered
            Assert.NotNull(again);
            Assert.Equal(0, (await watcher.PutResultAsync(again!.Header, Pull.Result(true, 1, "second")))!.ReturnCode);
            Assert.Equal(Pull.Result(true, 1, "second"), Assert.Single(await lms.WaitForAsync(1, TimeSpan.FromSeconds(10))).Body);
        }
    }
}
