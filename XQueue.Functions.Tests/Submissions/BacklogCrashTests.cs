using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>
/// What crashes and races leave around the backlog (a row without its submission, a row moved twice, a
/// write that fails part-way through a spill) never loses an acknowledged submission and never hands one
/// to two graders.
/// </summary>
public sealed class BacklogCrashTests
{
    const int Window = WindowRig.Window;

    static Task<GradingRig> StartAsync(StorageFaults? faults = null, string? processingDelay = null) =>
        GradingRig.StartAsync(WindowRig.Settings(processingDelay), services => faults?.AddTo(services));

    [Fact]
    public async Task A_backlog_row_without_a_submission_is_never_handed_out_does_not_hold_up_the_others_and_is_dropped_in_the_end()
    {
        await using var rig = await StartAsync();
        // A row whose submission is gone (deleted by an operator while it waited), here ahead of all others.
        var orphan = SubmissionId.New(DateTimeOffset.UtcNow);
        await rig.Service.Get<Backlog>().AddAsync(WindowRig.WorkQueue(rig).Name, orphan);
        await WindowRig.SubmitAsync(rig, 0, 15);

        var pulls = await WindowRig.DrainAsync(rig, 15, TimeSpan.FromSeconds(60));
        Assert.Equal(15, pulls.Select(p => p.Id).Distinct().Count());
        Assert.DoesNotContain(orphan, pulls.Select(p => p.Id));

        // Its message names a submission that does not exist: the pull that meets it deletes it.
        Assert.Empty(await WindowRig.StragglersAsync(rig, TimeSpan.FromSeconds(1)));
        Assert.Equal(0, await WindowRig.MessagesAsync(rig));
        Assert.Equal(0, await WindowRig.BacklogRowsAsync(rig));
    }

    [Fact]
    public async Task Several_messages_for_one_backlogged_submission_hand_it_out_once()
    {
        await using var rig = await StartAsync();
        await WindowRig.SubmitAsync(rig, 0, Window + 1);
        var backlogged = Assert.Single(await WindowRig.BacklogIdsAsync(rig));
        // What two refills of the same row leave (two instances at once); the row itself makes a third.
        var work = WindowRig.WorkQueue(rig);
        await work.SendMessageAsync(backlogged.ToString());
        await work.SendMessageAsync(backlogged.ToString());

        var pulls = await WindowRig.DrainAsync(rig, Window + 1, TimeSpan.FromSeconds(30));
        Assert.Empty(await WindowRig.StragglersAsync(rig, TimeSpan.FromSeconds(2)));
        Assert.Single(pulls, p => p.Id == backlogged);
        Assert.Equal(Window + 1, pulls.Select(p => p.Id).Distinct().Count());
        Assert.Equal(0, await WindowRig.MessagesAsync(rig)); // the others were dropped as they came up
        Assert.Equal(Window + 1, (await rig.Lms.WaitForAsync(Window + 1, TimeSpan.FromSeconds(30))).Count);
    }

    [Fact]
    public async Task A_refill_that_dies_between_sending_a_message_and_deleting_its_row_still_hands_each_submission_out_once()
    {
        var faults = new StorageFaults();
        await using var rig = await StartAsync(faults);
        await WindowRig.SubmitAsync(rig, 0, Window + 5);

        // The first rows a refill moves stay behind (their removal is one transaction); they must not be sent again.
        faults.ArmFor("POST", "$batch", "DELETE ", "backlog(");
        var pulls = await WindowRig.DrainAsync(rig, Window + 5, TimeSpan.FromSeconds(60));
        Assert.Empty(await WindowRig.StragglersAsync(rig, TimeSpan.FromSeconds(2)));

        Assert.Equal(1, faults.TargetedFailures);
        Assert.Equal(Window + 5, pulls.Count);
        Assert.Equal(Window + 5, pulls.Select(p => p.Id).Distinct().Count());
        Assert.Equal(0, await WindowRig.BacklogRowsAsync(rig));
        Assert.Equal(0, await WindowRig.MessagesAsync(rig));
        Assert.Equal(Window + 5, (await rig.Lms.WaitForAsync(Window + 5, TimeSpan.FromSeconds(30))).Select(d => d.Header).Distinct().Count());
    }

    [Theory]
    [InlineData(1)] // file blob
    [InlineData(2)] // submission entity
    [InlineData(3)] // backlog row
    [InlineData(4)] // callback index (after the submission is durable)
    public async Task A_spilling_submit_failing_at_any_write_is_refused_and_only_a_durable_submission_is_ever_graded(int failingWrite)
    {
        var faults = new StorageFaults();
        await using var rig = await StartAsync(faults);
        await WindowRig.SubmitAsync(rig, 0, Window);
        Assert.True(await rig.Watcher.LoginAsync());

        faults.Arm(failingWrite);
        var result = await rig.SubmitAsync(Window, "window", WindowRig.Code(Window), new Dictionary<string, byte[]> { ["a.py"] = "x"u8.ToArray() });
        var writes = faults.Writes.ToList();
        faults.Arm(0);

        Assert.Equal((1, "unexpected HTTP status code [503]"), result);
        if (writes.Count >= 3) Assert.Contains("backlog", writes[2]); // the spill path: the row instead of a message
        var durable = failingWrite == 4;
        // Drain what must come out (generous: a loaded machine is slow), then watch a while for what must not.
        var pulls = await WindowRig.DrainAsync(rig, durable ? Window + 1 : Window, TimeSpan.FromSeconds(30));
        if (!durable) pulls.AddRange(await WindowRig.StragglersAsync(rig, TimeSpan.FromSeconds(5)));
        Assert.Equal(pulls.Count, pulls.Select(p => p.Id).Distinct().Count());
        Assert.Equal(durable ? Window + 1 : Window, pulls.Count);
        Assert.Equal(durable, pulls.Any(p => p.Body == WindowRig.BodyOf(Window)));
        if (durable)
        {
            var delivered = await rig.Lms.WaitForAsync(Window + 1, TimeSpan.FromSeconds(30));
            Assert.Contains(rig.Header(Window, "window"), delivered.Select(d => d.Header));
        }
    }

    [Fact]
    public async Task A_backlogged_submission_pulled_and_left_unanswered_comes_back_with_a_new_key_on_the_same_message()
    {
        await using var rig = await StartAsync(processingDelay: "00:00:02");
        await WindowRig.SubmitAsync(rig, 0, Window + 1);
        var backlogged = Assert.Single(await WindowRig.BacklogIdsAsync(rig));
        var others = await WindowRig.DrainAsync(rig, Window, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(backlogged, others.Select(p => p.Id));

        await rig.Lms.WaitForAsync(Window, TimeSpan.FromSeconds(30));
        for (var wait = 0; wait < 100 && await WindowRig.MessagesAsync(rig) > 1; wait++) await Task.Delay(50); // delivered: their messages go

        var first = await Pull.NextAsync(rig.Watcher);
        Assert.Equal(backlogged, first!.Id);
        Assert.Equal(1, await WindowRig.MessagesAsync(rig)); // the refill sent one message for it, held now

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var second = await Pull.NextAsync(rig.Watcher);
        Assert.Equal(backlogged, second!.Id);
        Assert.NotEqual(first.Key, second.Key);
        Assert.Equal(1, await WindowRig.MessagesAsync(rig)); // the same message came back: no second copy was sent

        Assert.Equal(1, (await rig.Watcher.PutResultAsync(first.Header, Pull.Result(true, 1, "late")))!.ReturnCode);
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(second.Header, Pull.Result(true, 1, "on time")))!.ReturnCode);
        var delivered = await rig.Lms.WaitForAsync(Window + 1, TimeSpan.FromSeconds(30));
        Assert.Equal(Pull.Result(true, 1, "on time"), Assert.Single(delivered, d => d.Header == rig.Header(Window, "window")).Body);
    }
}
