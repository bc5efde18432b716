using Azure.Core;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Dashboard;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>
/// Invariant 1: a storage write that fails for good part-way through submit or put_result (what a crash
/// between two writes leaves behind) never produces an acknowledged-but-lost submission or result.
/// </summary>
public sealed class CrashSafetyTests
{
    static Task<GradingRig> StartWithFaults(StorageFaults faults, TimeProvider? clock = null) =>
        GradingRig.StartAsync(new Dictionary<string, string?> { ["XQueue:ProcessingDelay"] = "00:00:02" }, services =>
        {
            faults.AddTo(services);
            if (clock is not null) services.AddSingleton(clock);
        });

    [Theory]
    [InlineData(1)] // file blob
    [InlineData(2)] // submission entity
    [InlineData(3)] // work message
    [InlineData(4)] // callback index (after the submission is durable)
    public async Task Submit_failing_at_any_write_is_refused_and_only_a_durable_submission_is_ever_graded(int failingWrite)
    {
        var faults = new StorageFaults();
        await using var rig = await StartWithFaults(faults);
        Assert.True(await rig.Watcher.LoginAsync());

        faults.Arm(failingWrite);
        var result = await rig.SubmitAsync(2, "crash", "print(1)", new Dictionary<string, byte[]> { ["a.py"] = "x"u8.ToArray() });
        faults.Arm(0);

        // Every write comes before the reply, so the LMS is never told "queued" for a half-written submission.
        Assert.Equal((1, "unexpected HTTP status code [503]"), result);
        var pull = await Pull.NextAsync(rig.Watcher);
        if (failingWrite <= 3)
        {
            Assert.Null(pull);
            return;
        }
        // Entity and message were both durable: it is graded and delivered like any other (the LMS ignores a
        // result whose key it never stored, so the refused submit costs nothing more).
        await rig.Watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "graded"));
        Assert.Equal(rig.Header(2, "crash"), Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10))).Header);
    }

    [Fact]
    public async Task A_submit_whose_work_message_is_refused_removes_its_entity_and_nothing_is_ever_handed_out()
    {
        var faults = new StorageFaults();
        await using var rig = await StartWithFaults(faults);

        faults.Arm(2); // no files: the entity, then the work message
        var (code, _) = await rig.SubmitAsync(1, "orphan", "x");
        var writes = faults.Writes.ToList();
        faults.Arm(0);
        Assert.NotEqual(0, code);
        Assert.Contains("submissions", writes[0]);
        Assert.Contains("/messages", writes[1]);
        Assert.Contains("submissions(", writes[2]); // refused for sure: the entity goes, so it is not left "queued"

        Assert.Null(await Pull.NextAsync(rig.Watcher));
        Assert.Equal(0, await rig.Service.Get<QueueCatalog>().WorkQueue(TestService.Queue).ApproximateCountAsync());
        Assert.Empty((await rig.Service.Get<SubmissionListing>().ListAsync(new SubmissionQuery(), 10, null)).Rows);
    }

    [Theory]
    [InlineData(1)] // outbox entry
    [InlineData(2)] // submission entity (reply)
    [InlineData(3)] // work message delete
    public async Task Put_result_failing_at_any_write_is_either_refused_and_regraded_or_delivered_once(int failingWrite)
    {
        var faults = new StorageFaults();
        await using var rig = await StartWithFaults(faults);
        await rig.SubmitAsync(4, "put", "x");
        var pull = await Pull.NextAsync(rig.Watcher);

        faults.Arm(failingWrite);
        var put = await rig.Watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "first"));
        faults.Arm(0);

        if (put is { ReturnCode: 0 })
        {
            Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10)));
            await Task.Delay(2500);
            Assert.Null(await Pull.NextAsync(rig.Watcher)); // acknowledged: never handed out again
            Assert.Single(rig.Lms.Received);
            return;
        }
        await Task.Delay(2500);
        var again = await Pull.NextAsync(rig.Watcher); // not acknowledged: graded again, then delivered once
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(again!.Header, Pull.Result(true, 1, "second")))!.ReturnCode);
        Assert.Equal(Pull.Result(true, 1, "second"), Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10))).Body);
        await Task.Delay(1500);
        Assert.Single(rig.Lms.Received);
    }
}
