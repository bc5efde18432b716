using System.Globalization;
using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Tests.Legacy;

/// <summary>extend_lease, through HTTP against Azurite, with a 2 s processing delay.</summary>
public sealed class LeaseTests
{
    static Task<GradingRig> StartAsync(string maxLease = "00:00:30") => GradingRig.StartAsync(new Dictionary<string, string?>
    {
        ["XQueue:ProcessingDelay"] = "00:00:02",
        ["XQueue:MaxLease"] = maxLease,
    });

    static (DateTimeOffset Until, int Seconds) Lease(LegacyResult reply)
    {
        Assert.Equal(0, reply.ReturnCode);
        using var content = JsonDocument.Parse(reply.Content.GetString()!);
        var until = DateTimeOffset.ParseExact(content.RootElement.GetProperty("lease_until").GetString()!, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'",
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return (until, content.RootElement.GetProperty("seconds").GetInt32());
    }

    [Fact]
    public async Task An_extended_pull_stays_with_its_grader_past_the_delay_and_its_original_key_still_answers()
    {
        await using var rig = await StartAsync();
        Assert.Equal(0, (await rig.SubmitAsync(1, "lease", "print('slow')")).Code);
        using var slow = await GraderApi.LoginAsync(rig.Service);
        using var other = await GraderApi.LoginAsync(rig.Service);

        var pulledAt = DateTimeOffset.UtcNow;
        var pull = Pull.From(await slow.GetSubmissionAsync());
        var (until, seconds) = Lease(await slow.ExtendLeaseAsync(pull.Header, 6));
        Assert.Equal(6, seconds);
        Assert.InRange(until, pulledAt + TimeSpan.FromSeconds(5), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(6.5));

        // Past the 2 s delay, other graders keep finding nothing: they poll until the last poll starts 3.5 s after the pull.
        DateTimeOffset polledAt;
        do
        {
            polledAt = DateTimeOffset.UtcNow;
            Assert.Equal("{\"return_code\": 1, \"content\": \"Queue 'test-pull' is empty\"}", (await other.GetSubmissionAsync()).RawBody);
            await Task.Delay(200);
        }
        while (polledAt < pulledAt + TimeSpan.FromSeconds(3.5));

        // Neither the sweep (once a second here) nor the queue length and the dashboard's in-flight count see it
        // as a lease that ran out: it is held, not waiting.
        Assert.Equal("{\"return_code\": 0, \"content\": 0}", (await other.GetAsync($"/xqueue/get_queuelen/?queue_name={TestService.Queue}")).RawBody);
        Assert.Equal((0, 1, 0), await rig.Service.Get<QueueLength>().WaitingAndInFlightAsync(TestService.Queue));

        Assert.Equal("{\"return_code\": 0, \"content\": \"\"}", (await slow.PutResultAsync(pull.Header, Pull.Result(true, 1, "slow but sure"))).RawBody);
        await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(30));
        // Nobody else gets it after the extended lease either: put_result deleted the message with the new receipt.
        if (until + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow is { Ticks: > 0 } rest) await Task.Delay(rest);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Queue 'test-pull' is empty\"}", (await other.GetSubmissionAsync()).RawBody);
        Assert.Single(rig.Lms.Received);
        Assert.Contains("slow but sure", rig.Lms.Received.Single().Body);

        // Graded: the lease cannot be extended any more (the key still amends the result, as in the original).
        Assert.Equal("{\"return_code\": 1, \"content\": \"Lease not extended: the submission is no longer held by this pull (graded, failed, or handed out again)\"}",
            (await slow.ExtendLeaseAsync(pull.Header)).RawBody);
    }

    [Fact]
    public async Task A_lease_is_clamped_at_MaxLease_after_the_pull_then_refused()
    {
        await using var rig = await StartAsync(maxLease: "00:00:10");
        Assert.Equal(0, (await rig.SubmitAsync(1, "clamp", "print('clamp')")).Code);
        using var grader = await GraderApi.LoginAsync(rig.Service);

        var before = DateTimeOffset.UtcNow;
        var pull = Pull.From(await grader.GetSubmissionAsync());
        var after = DateTimeOffset.UtcNow;
        var (until, seconds) = Lease(await grader.ExtendLeaseAsync(pull.Header, 600));
        Assert.InRange(seconds, 6, 10);
        Assert.InRange(until, before + TimeSpan.FromSeconds(6), after + TimeSpan.FromSeconds(10));

        Assert.Equal("{\"return_code\": 1, \"content\": \"Lease not extended: a submission may be held at most 00:00:10 after it was pulled\"}",
            (await grader.ExtendLeaseAsync(pull.Header, 600)).RawBody);
        // A request that fits is still granted (the processing delay from now: here a shorter lease).
        Assert.Equal(2, Lease(await grader.ExtendLeaseAsync(pull.Header)).Seconds);
        Assert.Equal(0, (await grader.PutResultAsync(pull.Header, Pull.Result(true, 1, "ok"))).ReturnCode);
    }

    /// <summary>The real clock moved by <see cref="Offset"/>, read as the last half millisecond of its second.</summary>
    sealed class EndOfSecondClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow()
        {
            var now = base.GetUtcNow() + Offset;
            return new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero) + TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(5_000);
        }
    }

    [Fact]
    public async Task At_the_ceiling_an_extend_is_refused_whenever_it_runs_and_a_lease_never_passes_the_ceiling()
    {
        // The service's clock, set by the test: every reading falls half a millisecond before a whole second, where a
        // lease end kept to the millisecond and a ceiling computed to the tick disagree by just enough to grant one more.
        var clock = new EndOfSecondClock();
        await using var rig = await GradingRig.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:ProcessingDelay"] = "00:00:02",
            ["XQueue:MaxLease"] = "00:00:10",
        }, services => services.AddSingleton<TimeProvider>(clock));
        Assert.Equal(0, (await rig.SubmitAsync(1, "ceiling", "print('ceiling')")).Code);
        using var grader = await GraderApi.LoginAsync(rig.Service);

        var pull = Pull.From(await grader.GetSubmissionAsync());
        var pulledBy = clock.GetUtcNow();
        var (until, _) = Lease(await grader.ExtendLeaseAsync(pull.Header, 600));
        Assert.True(until <= pulledBy + TimeSpan.FromSeconds(10), $"lease until {until:O} passes the ceiling");

        // However late the second request runs, up to the ceiling and past it, nothing is added.
        foreach (var later in new[] { 0.0, 0.4, 0.95, 3, 12 })
        {
            clock.Offset = TimeSpan.FromSeconds(later);
            Assert.Equal("{\"return_code\": 1, \"content\": \"Lease not extended: a submission may be held at most 00:00:10 after it was pulled\"}",
                (await grader.ExtendLeaseAsync(pull.Header, 600)).RawBody);
        }
        clock.Offset = TimeSpan.Zero;
        Assert.Equal(0, (await grader.PutResultAsync(pull.Header, Pull.Result(true, 1, "ok"))).ReturnCode);
    }

    [Fact]
    public async Task Extend_lease_checks_the_key_the_id_and_its_input()
    {
        await using var rig = await StartAsync();
        Assert.Equal(0, (await rig.SubmitAsync(1, "keys", "print('keys')")).Code);
        using var grader = await GraderApi.LoginAsync(rig.Service);
        var pull = Pull.From(await grader.GetSubmissionAsync());

        var wrongKey = $"{{\"submission_id\": {pull.Id}, \"submission_key\": \"{new string('0', 32)}\"}}";
        Assert.Equal("{\"return_code\": 1, \"content\": \"Incorrect key for submission\"}", (await grader.ExtendLeaseAsync(wrongKey, 10)).RawBody);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Submission does not exist\"}",
            (await grader.ExtendLeaseAsync("{\"submission_id\": 999999999, \"submission_key\": \"k\"}", 10)).RawBody);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Incorrect reply format\"}", (await grader.ExtendLeaseAsync("not json", 10)).RawBody);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Incorrect reply format\"}", (await grader.PostFormAsync("/xqueue/extend_lease/")).RawBody);
        foreach (var bad in new[] { "0", "-5", "1.5", "soon", "" })
        {
            Assert.Equal("{\"return_code\": 1, \"content\": \"'extend_lease' parameter 'seconds' must be a whole number of seconds, at least 1\"}",
                (await grader.PostFormAsync("/xqueue/extend_lease/", ("xqueue_header", pull.Header), ("seconds", bad))).RawBody);
        }
        Assert.Equal("{\"return_code\": 1, \"content\": \"'extend_lease' must use HTTP POST\"}", (await grader.GetAsync("/xqueue/extend_lease/")).RawBody);

        // Without seconds: the processing delay again, from now.
        Assert.Equal(2, Lease(await grader.ExtendLeaseAsync(pull.Header)).Seconds);
    }

    [Fact]
    public async Task A_lease_that_ran_out_and_was_pulled_again_cannot_be_extended_with_the_old_key()
    {
        await using var rig = await StartAsync();
        Assert.Equal(0, (await rig.SubmitAsync(1, "lost", "print('lost')")).Code);
        using var first = await GraderApi.LoginAsync(rig.Service);
        using var second = await GraderApi.LoginAsync(rig.Service);
        var lost = Pull.From(await first.GetSubmissionAsync());

        var again = Pull.From(await second.GetSubmissionAsync(wait: 10)); // reappears after the 2 s delay
        Assert.Equal(lost.Id, again.Id);
        Assert.Equal("{\"return_code\": 1, \"content\": \"Incorrect key for submission\"}", (await first.ExtendLeaseAsync(lost.Header, 10)).RawBody);
        Assert.Equal(0, (await second.ExtendLeaseAsync(again.Header, 10)).ReturnCode);
    }
}
