using System.Collections.Concurrent;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>
/// A queue holds at most a window of messages; submissions beyond it wait in the backlog table in order
/// and move into the queue as graders drain it. Driven through HTTP as the LMS and xqueue-watcher drive it.
/// </summary>
public sealed class BacklogTests
{
    const int Window = WindowRig.Window;

    [Fact]
    public async Task Submissions_beyond_the_window_wait_in_the_backlog_count_in_the_queue_length_and_come_out_in_order_once_each()
    {
        const int count = 35;
        await using var rig = await GradingRig.StartAsync(WindowRig.Settings());

        var replies = await WindowRig.SubmitAsync(rig, 0, count);

        // The LMS shows each learner their position: a submission in the backlog counts like one in the queue.
        Assert.Equal(Enumerable.Range(1, count).Select(n => (0, n.ToString())), replies);
        Assert.Equal(Window, await WindowRig.MessagesAsync(rig));
        Assert.Equal(count - Window, await WindowRig.BacklogRowsAsync(rig));
        Assert.Equal(count, await WindowRig.QueueLenAsync(rig));

        var pulls = await WindowRig.DrainAsync(rig, count, TimeSpan.FromSeconds(60));
        var numbers = pulls.Select(pull => Enumerable.Range(0, count).Single(i => WindowRig.BodyOf(i) == pull.Body)).ToList();
        Assert.Equal(Enumerable.Range(0, count), numbers.Order());
        // First come, first served: the Storage Queue may reorder what it holds, never more than a window.
        Assert.All(numbers.Select((number, position) => Math.Abs(number - position)), shift => Assert.InRange(shift, 0, Window - 1));

        Assert.Empty(await WindowRig.StragglersAsync(rig, TimeSpan.FromSeconds(1.5)));
        Assert.Equal(0, await WindowRig.BacklogRowsAsync(rig));
        Assert.Equal(0, await WindowRig.QueueLenAsync(rig));
        var delivered = await rig.Lms.WaitForAsync(count, TimeSpan.FromSeconds(30));
        Assert.Equal(count, delivered.Select(d => d.Header).Distinct().Count());
    }

    [Fact]
    public async Task Four_graders_drain_120_submissions_through_a_window_of_10_without_sharing_or_losing_one()
    {
        const int count = 120;
        await using var rig = await GradingRig.StartAsync(WindowRig.Settings());
        await WindowRig.SubmitAsync(rig, 0, count);
        Assert.Equal(count - Window, await WindowRig.BacklogRowsAsync(rig));

        var handedOut = new ConcurrentBag<long>();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        using var draining = new CancellationTokenSource();
        var mostMessages = 0;
        var sampler = Task.Run(async () =>
        {
            while (!draining.IsCancellationRequested)
            {
                mostMessages = Math.Max(mostMessages, await WindowRig.MessagesAsync(rig));
                await Task.Delay(20);
            }
        });
        var graders = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var watcher = new WatcherClient(rig.Service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
            while (handedOut.Count < count && DateTime.UtcNow < deadline)
            {
                var result = await watcher.GetSubmissionAsync(TestService.Queue);
                if (result is not { ReturnCode: 0 })
                {
                    await Task.Delay(50);
                    continue;
                }
                var pull = Pull.From(result);
                handedOut.Add(pull.Id);
                Assert.Equal(0, (await watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, $"<p>{pull.Id}</p>")))!.ReturnCode);
            }
        });
        await Task.WhenAll(graders);
        await draining.CancelAsync();
        await sampler;

        Assert.Equal(count, handedOut.Count);
        Assert.Equal(count, handedOut.Distinct().Count());
        // Waiting messages stay within the window; the count also holds those the graders have.
        Assert.InRange(mostMessages, 1, Window + 4);
        var delivered = await rig.Lms.WaitForAsync(count, TimeSpan.FromSeconds(60));
        Assert.Equal(count, delivered.Count);
        Assert.Equal(count, delivered.Select(d => d.Header).Distinct().Count());
    }

    [Fact]
    public async Task A_backlogged_submission_superseded_by_a_resubmission_is_never_handed_out_and_the_new_one_is()
    {
        await using var rig = await GradingRig.StartAsync(WindowRig.Settings());
        await WindowRig.SubmitAsync(rig, 0, Window);

        Assert.Equal((0, "11"), await rig.LmsClient.SubmitAsync(rig.Header(500, "again", "k1"), LegacyText.Body("first")));
        Assert.Equal((0, "11"), await rig.LmsClient.SubmitAsync(rig.Header(500, "again", "k2"), LegacyText.Body("second")));
        Assert.Equal(1, await WindowRig.BacklogRowsAsync(rig)); // the first one's row left with it

        var pulls = await WindowRig.DrainAsync(rig, Window + 1, TimeSpan.FromSeconds(30));
        Assert.Empty(await WindowRig.StragglersAsync(rig, TimeSpan.FromSeconds(1.5)));
        var bodies = pulls.Select(p => p.Body).ToList();
        Assert.Contains(LegacyText.Body("second"), bodies);
        Assert.DoesNotContain(LegacyText.Body("first"), bodies);
        Assert.Equal(Window + 1, bodies.Distinct().Count());

        var delivered = await rig.Lms.WaitForAsync(Window + 1, TimeSpan.FromSeconds(30));
        Assert.Equal(rig.Header(500, "again", "k2"), Assert.Single(delivered, d => d.Header.Contains("\"k2\"")).Header);
        Assert.DoesNotContain(delivered, d => d.Header.Contains("\"k1\""));
    }
}
