using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>
/// Graders pulling several times a second on one instance share receives (<see cref="WorkPrefetch"/>): fewer receives
/// than pulls, no grader told "empty" while submissions still wait (some may be on their way into this instance's
/// store of messages taken ahead), and a message taken ahead but not handed out comes back without counting a pull.
/// </summary>
public sealed class WorkPrefetchTests
{
    const int Graders = 3;

    [Fact]
    public async Task Busy_graders_share_receives_and_none_hears_empty_while_submissions_wait()
    {
        var calls = new StorageCalls();
        await using var rig = await GradingRig.StartAsync(overrides: calls.AddTo);
        var work = rig.Service.Get<QueueCatalog>().WorkQueue(TestService.Queue).Name;
        var watchers = Enumerable.Range(0, Graders).Select(_ => new WatcherClient(rig.Service.BaseAddress, TestService.GraderUser, TestService.GraderPassword)).ToArray();
        try
        {
            var handedOut = new List<long>();
            var (pulls, receivesBefore) = (0, calls.Count("queue.receive", work));
            // Each round ends on an empty queue, where one grader's receive may take the last messages ahead while another's finds none.
            foreach (var round in Enumerable.Range(0, 3))
            {
                const int perRound = 40;
                for (var i = 0; i < perRound; i++) Assert.Equal(0, (await rig.SubmitAsync(round * perRound + i, "prefetch", "print(1)")).Code);
                var taken = 0;
                var pulled = await Task.WhenAll(watchers.Select(async watcher =>
                {
                    var mine = new List<long>();
                    while (Interlocked.Increment(ref taken) <= perRound)
                    {
                        var pull = await Pull.NextAsync(watcher);
                        Assert.True(pull is not null, $"round {round}: a grader was told the queue is empty with submissions waiting");
                        mine.Add(pull!.Id);
                    }
                    return mine;
                }));
                handedOut.AddRange(pulled.SelectMany(ids => ids));
                pulls += perRound;
            }
            Assert.Equal(handedOut.Count, handedOut.Distinct().Count()); // held, so never handed out twice
            var receives = calls.Count("queue.receive", work) - receivesBefore;
            Assert.True(receives < pulls, $"{receives} receives for {pulls} pulls: busy graders' pulls should share receives");
        }
        finally
        {
            foreach (var watcher in watchers) watcher.Dispose();
        }
    }

    [Fact]
    public async Task A_submission_taken_ahead_and_not_handed_out_comes_back_soon_and_its_pull_count_stays_true()
    {
        var calls = new StorageCalls();
        await using var rig = await GradingRig.StartAsync(new Dictionary<string, string?> { ["XQueue:ProcessingDelay"] = "00:01:00" }, calls.AddTo);
        var work = rig.Service.Get<QueueCatalog>().WorkQueue(TestService.Queue).Name;
        const int submitted = 30;
        for (var i = 0; i < submitted; i++) Assert.Equal(0, (await rig.SubmitAsync(i, "ahead", $"print({i})")).Code);

        // A burst of pulls (well over eight a second) makes the next receives take messages ahead; then the grader stops.
        var first = new List<Pull>();
        for (var i = 0; i < 20; i++) first.Add((await Pull.NextAsync(rig.Watcher))!);
        foreach (var pull in first) Assert.Equal(0, (await rig.Watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, "ok")))!.ReturnCode);

        // What was taken ahead and not handed out is visible again within about a second, not after the one-minute delay.
        await Task.Delay(WorkPrefetch.Slack * 2);
        var rest = new List<Pull>();
        while (await Pull.NextAsync(rig.Watcher) is { } pull) rest.Add(pull);
        Assert.Equal(submitted, first.Count + rest.Count);
        foreach (var pull in rest) Assert.Equal(0, (await rig.Watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, "ok")))!.ReturnCode);
        await rig.Lms.WaitForAsync(submitted, TimeSpan.FromSeconds(20));
        // Every put_result is one update of its message; the updates beyond those gave messages taken ahead back.
        Assert.True(calls.Count("queue.update", work) > submitted, "no message was taken ahead and given back: the burst did not exercise it");

        // Each was handed out once: a receive that only took it ahead is not a pull (the poison rule counts pulls).
        var store = rig.Service.Get<SubmissionStore>();
        foreach (var pull in first.Concat(rest))
        {
            var stored = await store.GetAsync(pull.Id);
            // Delivery records the result just after the LMS's answer.
            for (var wait = 0; stored?.Delivery != DeliveryState.Delivered && wait < 50; wait++)
            {
                await Task.Delay(100);
                stored = await store.GetAsync(pull.Id);
            }
            Assert.Equal((DeliveryState.Delivered, 1), (stored!.Delivery, stored.Pulls));
        }
    }
}
