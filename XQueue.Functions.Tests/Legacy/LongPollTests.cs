using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Legacy;

/// <summary><c>wait=</c> on get_submission and get_submissions, through HTTP against Azurite.</summary>
public sealed class LongPollTests(ITestOutputHelper output)
{
    static async Task<(GradingRig Rig, StorageCalls Calls)> StartAsync(string recheck = "00:00:05", Dictionary<string, string?>? more = null)
    {
        var calls = new StorageCalls();
        var settings = new Dictionary<string, string?> { ["XQueue:LongPoll:Recheck"] = recheck };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return (await GradingRig.StartAsync(settings, calls.AddTo), calls);
    }

    static string WorkQueue(TestService service) => service.Get<QueueCatalog>().WorkQueue(TestService.Queue).Name;

    [Fact]
    public async Task A_waiting_grader_gets_a_submission_within_200_ms_of_its_submit()
    {
        var (rig, calls) = await StartAsync(recheck: "00:00:20");
        await using var _ = rig;
        using var grader = await GraderApi.LoginAsync(rig.Service);
        var work = WorkQueue(rig.Service);

        for (var round = 0; round < 2; round++) // the first round warms up both sides; the second is measured
        {
            var receivesBefore = calls.Count("queue.receive", work);
            var clock = Stopwatch.StartNew();
            var pulling = grader.GetSubmissionAsync(wait: 20);
            // The grader is waiting once its first look at the queue is done (it watches before it looks).
            await calls.WaitForAsync("queue.receive", work, receivesBefore + 1, TimeSpan.FromSeconds(10));
            await Task.Delay(200);
            Assert.False(pulling.IsCompleted);

            Assert.Equal(0, (await rig.SubmitAsync(round, "lp", $"print({round})")).Code);
            var acknowledged = clock.Elapsed;
            var pulled = Pull.From(await pulling);
            var handedOut = clock.Elapsed;

            Assert.Contains($"print({round})", pulled.Body);
            output.WriteLine($"round {round}: handed out {(handedOut - acknowledged).TotalMilliseconds:F0} ms after the submit was acknowledged");
            if (round == 1) Assert.True(handedOut - acknowledged < TimeSpan.FromMilliseconds(200), $"handed out {(handedOut - acknowledged).TotalMilliseconds:F0} ms after the submit was acknowledged");
            Assert.Equal(0, (await grader.PutResultAsync(pulled.Header, Pull.Result(true, 1, "ok"))).ReturnCode);
        }
    }

    [Fact]
    public async Task An_idle_long_poll_answers_empty_at_its_deadline_with_few_storage_calls()
    {
        var (rig, calls) = await StartAsync(recheck: "00:00:00.500", new() { ["XQueue:Sweep:Interval"] = "01:00:00" });
        await using var _ = rig;
        using var grader = await GraderApi.LoginAsync(rig.Service);
        var work = WorkQueue(rig.Service);
        var backlog = rig.Service.Prefix + "backlog";
        await grader.GetSubmissionsAsync(3, wait: 0.2); // warm-up
        var receives = calls.Count("queue.receive", work);
        var queries = calls.Count("table.query", backlog);

        var clock = Stopwatch.StartNew();
        var reply = await grader.GetSubmissionsAsync(3, wait: 1.5);
        var elapsed = clock.Elapsed;

        Assert.Equal("{\"return_code\": 1, \"content\": \"Queue 'test-pull' is empty\"}", reply.RawBody);
        // Timers may fire a fraction of a millisecond before the wall clock says the wait is over.
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.45), TimeSpan.FromSeconds(3.5));
        // Looks at 0, 0.5 and 1.0 s and at the deadline (fewer when a look is slow, as on a loaded machine; at least the
        // first and the last, so "empty" is storage's answer when it is given), and each look that finds the queue
        // empty asks the backlog once and looks once more: no belief of the instance's stands in for either.
        var (receivesMade, looks) = (calls.Count("queue.receive", work) - receives, calls.Count("table.query", backlog) - queries);
        output.WriteLine($"idle 1.5 s long-poll: {receivesMade} receives, {looks} backlog queries");
        Assert.True(looks is >= 2 and <= 4, $"{looks} looks");
        Assert.Equal(2 * looks, receivesMade);

        clock.Restart();
        Assert.Equal("{\"return_code\": 1, \"content\": \"Queue 'test-pull' is empty\"}", (await grader.GetSubmissionAsync(wait: 0.3)).RawBody);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(2.3));
    }

    [Fact]
    public async Task Work_submitted_to_another_instance_is_found_within_the_recheck()
    {
        var (rig, calls) = await StartAsync(recheck: "00:00:01");
        await using var _ = rig;
        await using var other = await TestService.StartAsync(prefix: rig.Service.Prefix);
        using var otherLms = new LmsClient(other.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var grader = await GraderApi.LoginAsync(rig.Service);

        var clock = Stopwatch.StartNew();
        var pulling = grader.GetSubmissionsAsync(4, wait: 15);
        await calls.WaitForAsync("queue.receive", WorkQueue(rig.Service), 1, TimeSpan.FromSeconds(10));
        Assert.Equal(0, (await otherLms.SubmitAsync(rig.Header(1, "elsewhere"), LegacyText.Body("print('elsewhere')"))).Code);
        var submitted = clock.Elapsed;

        var pulls = GraderApi.Pulls(await pulling);
        Assert.Contains("elsewhere", Assert.Single(pulls).Body);
        Assert.True(clock.Elapsed - submitted < TimeSpan.FromSeconds(1) + TimeSpan.FromSeconds(3),
            $"found {(clock.Elapsed - submitted).TotalMilliseconds:F0} ms after the submit; the recheck is 1 s");
    }

    [Fact]
    public async Task A_grader_that_hangs_up_stops_waiting_and_takes_nothing()
    {
        var (rig, calls) = await StartAsync(recheck: "00:00:20");
        await using var _ = rig;
        using var quitter = await GraderApi.LoginAsync(rig.Service);
        using var stayer = await GraderApi.LoginAsync(rig.Service);
        var work = WorkQueue(rig.Service);

        using var hangUp = new CancellationTokenSource();
        var quitting = quitter.GetSubmissionAsync(wait: 20, cancellationToken: hangUp.Token);
        await calls.WaitForAsync("queue.receive", work, 1, TimeSpan.FromSeconds(10));
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitting);
        await Task.Delay(500); // the server sees the connection close

        // The quitter was first in line: had it kept waiting, the announcement would wake it, not the stayer,
        // and with a 20 s recheck the stayer would see nothing within its 10 s.
        var staying = stayer.GetSubmissionAsync(wait: 10);
        await calls.WaitForAsync("queue.receive", work, 2, TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, (await rig.SubmitAsync(1, "hangup", "print('hangup')")).Code);
        var pulled = Pull.From(await staying);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Contains("hangup", pulled.Body);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("20.5")]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("1e1")]
    [InlineData("")]
    public async Task A_bad_wait_is_a_legacy_error_naming_it(string wait)
    {
        await using var service = await TestService.StartAsync();
        using var grader = await GraderApi.LoginAsync(service);
        foreach (var endpoint in new[] { "get_submission", "get_submissions" })
        {
            var reply = await grader.GetAsync($"/xqueue/{endpoint}/?queue_name={TestService.Queue}&wait={Uri.EscapeDataString(wait)}");
            Assert.Equal($"{{\"return_code\": 1, \"content\": \"'{endpoint}' parameter 'wait' must be a number of seconds from 0 to 20\"}}", reply.RawBody);
        }
    }

    [Fact]
    public async Task Bulk_pulls_count_against_the_grader_poll_limit_once_each()
    {
        await using var service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:Throttling:Polls:Limit"] = "3",
            ["XQueue:Throttling:Polls:Window"] = "00:00:30",
        });
        using var grader = await GraderApi.LoginAsync(service);
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await grader.GetSubmissionsAsync(2)).Status);
        var limited = await grader.GetSubmissionsAsync(2);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await grader.GetSubmissionAsync()).Status);
    }
}
