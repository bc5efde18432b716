using System.Net;
using System.Text.Json;
using Xunit.Abstractions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Handouts;

namespace XQueue.Functions.Tests.Chaos;

/// <summary>
/// The service under faults while a wave of submissions is graded: the app killed with SIGKILL, the LMS
/// down, storage restarted, two instances on one account, graders slower than the processing delay.
/// Each test checks the design's invariants (§4: 1 nothing acknowledged is lost, 2 one grader per
/// processing-delay window, 3 a result reaches the LMS without re-grading) and writes a one-line summary:
/// submissions, acknowledged, delivered, duplicates handed out, extra deliveries, time.
/// </summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    const string Unavailable = "{\"return_code\": 1, \"content\": \"Service temporarily unavailable, please try again\"}";

    // An outbox entry is leased for 2 × Delivery:Timeout + 10 s per attempt; a killed instance's entries come back after that.
    static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(2);
    static readonly TimeSpan OutboxLease = DeliveryTimeout * 2 + TimeSpan.FromSeconds(10);

    /// <summary>Settings of a chaos run, as configuration keys (in-process app) or environment variables (process).</summary>
    static Dictionary<string, string> Settings(TimeSpan delay, string? connectionString = null, string? prefix = null)
    {
        var settings = new Dictionary<string, string>
        {
            // MaxFailures keeps its default (3): faults alone (kills, outages, lapsed leases) must never fail a submission.
            ["XQueue:ProcessingDelay"] = delay.ToString(),
            ["XQueue:Delivery:Timeout"] = DeliveryTimeout.ToString(),
        };
        if (connectionString is not null) settings["AzureWebJobsStorage"] = connectionString;
        if (prefix is not null) settings["XQueue:StoragePrefix"] = prefix;
        return settings;
    }

    static Dictionary<string, string?> InProcess(Dictionary<string, string> settings) => settings.ToDictionary(s => s.Key, s => (string?)s.Value);

    /// <summary>The same settings as environment variables for the app as its own process, with what TestService adds.</summary>
    static Dictionary<string, string> AsEnvironment(Dictionary<string, string> settings)
    {
        var all = TestService.DefaultSettings();
        // The queue as a deployment declares it, in one JSON setting (infra/main.bicep).
        all.Remove($"XQueue:Queues:{TestService.Queue}:PushUrl");
        all["XQueue:QueuesJson"] = $"{{\"{TestService.Queue}\": {{}}}}";
        foreach (var (key, value) in settings) all[key] = value;
        return all.ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value ?? "");
    }

    // 1. ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Kill_9_of_the_app_during_a_wave_loses_no_acknowledged_submission_and_hands_none_out_twice()
    {
        const int learners = 300, lmsClients = 4, graders = 4;
        var delay = TimeSpan.FromSeconds(3);
        var deadline = TimeSpan.FromSeconds(120); // a bound for failures only: the test ends as soon as the wave has settled
        var azurite = await Azurite.Shared;
        await using var lms = await FakeLms.StartAsync();
        var environment = AsEnvironment(Settings(delay, azurite.ConnectionString, Azurite.NewPrefix()));
        var port = HandlerProcess.FreeLoopbackPort();
        var server = new Uri($"http://127.0.0.1:{port}");
        var ledger = new ChaosLedger("kill -9", delay);
        var appLog = new AppLog();

        HandlerProcess? app = await StartAppAsync(environment, port, ledger);
        var kills = 0;
        var lastKill = TimeSpan.Zero;
        try
        {
            await using var wave = new ChaosWave(ledger, lms);
            wave.StartLearners(learners, lmsClients, _ => server, "kill", deadline);
            wave.StartGraders(graders, _ => server, ChaosWave.BriefGrading);

            // While the LMS is still submitting: back at once. While graders drain and results are delivered:
            // down for longer than the processing delay, so leases held by graders expire meanwhile.
            (Func<bool> When, TimeSpan Down)[] faults =
            [
                (() => ledger.AcknowledgedCount >= learners / 3, TimeSpan.FromMilliseconds(200)),
                (() => lms.Received.Count >= learners / 2, delay + TimeSpan.FromMilliseconds(500)),
            ];
            foreach (var (when, down) in faults)
            {
                Assert.True(await Eventually.HoldsAsync(when, deadline - ledger.Now), "the wave ended before the fault");
                app.KillHard();
                appLog.AddJsonLines(app.Stdout.Concat(app.Stderr));
                kills++;
                lastKill = ledger.Now;
                ledger.Note($"kill -9 #{kills} (acknowledged {ledger.AcknowledgedCount}, handed out {ledger.Handouts.Count}, delivered {lms.Received.Count})");
                app.Dispose();
                app = null;
                await Task.Delay(down);
                app = await StartAppAsync(environment, port, ledger);
            }

            // Missing deliveries are reported by the invariant check below, with the summary.
            if (await wave.AcknowledgedDeliveredAsync(deadline))
            {
                // What a killed instance delivered but had not yet marked is sent again once its outbox lease ends: wait to count it.
                await wave.SettleUntilAsync(lastKill + OutboxLease + TimeSpan.FromSeconds(2));
            }
            await wave.StopAsync();
        }
        finally
        {
            app?.Dispose();
            if (app is not null) appLog.AddJsonLines(app.Stdout.Concat(app.Stderr));
        }

        Report(ledger, lms.Received.ToArray(), appLog, $"app killed {kills} times");
    }

    /// <summary>The app's own executable: the framework-dependent apphost next to XQueue.Functions.dll in the test output.</summary>
    static string AppExecutable => Path.Combine(Path.GetDirectoryName(typeof(XQueue.Functions.Program).Assembly.Location)!, "XQueue.Functions");

    async Task<HandlerProcess> StartAppAsync(Dictionary<string, string> environment, int port, ChaosLedger ledger)
    {
        for (var attempt = 1; ; attempt++)
        {
            var app = HandlerProcess.StartStandalone(AppExecutable, environment, port);
            try
            {
                var took = await app.WaitUntilAnsweringAsync("/xqueue/status/", TimeSpan.FromSeconds(30));
                ledger.Note($"app pid {app.ProcessId} answering on port {port} after {took.TotalMilliseconds:F0} ms");
                return app;
            }
            catch (InvalidOperationException e) when (attempt < 3)
            {
                // A refused bind of the port just freed by the killed process: try again.
                ledger.Note($"start {attempt} failed: {e.Message}");
                app.Dispose();
                await Task.Delay(500);
            }
        }
    }

    // 2. ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(10)]
    public async Task An_lms_down_while_results_are_put_gets_every_result_once_it_recovers_and_nothing_is_graded_twice(int outageSeconds)
    {
        const int learners = 100, lmsClients = 2, graders = 3;
        // Well above a grader's time on a machine loaded by the rest of the suite (4 s once lapsed there, the late
        // result rightly refused): a re-handout here must mean a lost result, not a slow grader.
        var delay = TimeSpan.FromSeconds(10);
        var outage = TimeSpan.FromSeconds(outageSeconds);
        var deadline = outage + TimeSpan.FromSeconds(45);
        await using var lms = await FakeLms.StartAsync();
        var appLog = new AppLog();
        await using var service = await TestService.StartAsync(InProcess(Settings(delay)), appLog.ReplaceConsole);
        var ledger = new ChaosLedger($"LMS down {outageSeconds} s", delay);

        lms.Status = 503;
        await using var wave = new ChaosWave(ledger, lms);
        wave.StartLearners(learners, lmsClients, _ => service.BaseAddress, "down", deadline);
        wave.StartGraders(graders, _ => service.BaseAddress, ChaosWave.BriefGrading);

        // Down for the configured period at least, and until every result has been put and tried once (a loaded machine is slower).
        int Accepted() => ledger.Puts.Count(p => p.Outcome == PutOutcome.Accepted);
        await Eventually.HoldsAsync(() => ledger.Now >= outage && Accepted() >= learners && lms.Attempts >= learners, deadline - ledger.Now);
        var (attemptsWhileDown, acceptedWhileDown) = (lms.Attempts, Accepted());
        lms.Status = 200;
        ledger.Note($"LMS back after {ledger.Now.TotalSeconds:F1} s: {acceptedWhileDown} results put meanwhile, {attemptsWhileDown} delivery attempts refused");
        Assert.Equal(learners, acceptedWhileDown);

        await wave.AcknowledgedDeliveredAsync(deadline);
        // Past another processing delay: a result that was lost, or a submission that was requeued, would be handed out again now.
        await wave.SettleUntilAsync(ledger.Now + delay + TimeSpan.FromSeconds(1));
        await wave.StopAsync();

        Report(ledger, lms.Received.ToArray(), appLog, $"delivery attempts refused while down {attemptsWhileDown}");
        Assert.True(attemptsWhileDown >= learners, $"every result should have been tried while the LMS was down; saw {attemptsWhileDown} attempts");
        Assert.Equal(learners, ledger.Handouts.Count); // each submission handed out once: none re-graded
        Assert.Equal(learners, ledger.Handouts.Select(h => h.Id).Distinct().Count());
    }

    // 3. ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Storage_restarted_mid_wave_gives_clients_503s_meanwhile_and_afterwards_every_acknowledged_submission_is_delivered()
    {
        const int learners = 200, lmsClients = 2, graders = 3;
        var delay = TimeSpan.FromSeconds(3);
        var down = TimeSpan.FromSeconds(8); // at least, and until the probe below is answered: requests must fail, not just wait out the retries
        var deadline = TimeSpan.FromSeconds(75);
        await using var storage = await PersistentAzurite.StartNewAsync();
        await using var lms = await FakeLms.StartAsync();
        var appLog = new AppLog();
        await using var service = await TestService.StartAsync(InProcess(Settings(delay, storage.ConnectionString)), appLog.ReplaceConsole);
        using var probe = await RawClient.LoginAsync(service, TestService.GraderUser, TestService.GraderPassword);
        var ledger = new ChaosLedger("storage restarted", delay);

        await using var wave = new ChaosWave(ledger, lms);
        wave.StartLearners(learners, lmsClients, _ => service.BaseAddress, "storage", deadline);
        wave.StartGraders(graders, _ => service.BaseAddress, ChaosWave.BriefGrading);

        Assert.True(await Eventually.HoldsAsync(() => ledger.AcknowledgedCount >= learners / 3, deadline), "the wave ended before the fault");
        // A clean stop (SIGTERM), as a storage service restarts: Azurite writes its metadata to disk only every 5 s
        // (LokiJS autosave), so a SIGKILL loses the writes it acknowledged in its last seconds — which Azure Storage
        // never does (tried: 22–25 of 200 acknowledged submissions gone, all from the seconds before the kill).
        var stoppedCleanly = await storage.StopAsync(TimeSpan.FromSeconds(10));
        var stoppedAt = ledger.Now;
        ledger.Note($"storage stopped ({(stoppedCleanly ? "cleanly" : "killed after 10 s")}; acknowledged {ledger.AcknowledgedCount}, delivered {lms.Received.Count})");
        // Behind it: the new session's revocation check and the read of the submission entity, each retried before the 503.
        var whileDown = await probe.PostFormAsync("/xqueue/put_result/",
            ("xqueue_header", "{\"submission_id\": 5, \"submission_key\": \"k\"}"), ("xqueue_body", "{}"));
        ledger.Note($"put_result while storage is down: {(int)whileDown.Status} after {(ledger.Now - stoppedAt).TotalSeconds:F1} s");
        if (stoppedAt + down - ledger.Now is { Ticks: > 0 } rest) await Task.Delay(rest);
        await storage.StartAsync();
        ledger.Note($"storage started again on the same ports and data after {(ledger.Now - stoppedAt).TotalSeconds:F1} s");

        await wave.AcknowledgedDeliveredAsync(deadline);
        await wave.SettleUntilAsync(ledger.Now + TimeSpan.FromSeconds(1));
        await wave.StopAsync();

        var refused = ledger.Submits.Where(s => !s.Acknowledged).ToList();
        Report(ledger, lms.Received.ToArray(), appLog, $"submits not acknowledged {refused.Count} ({string.Join(", ", refused.GroupBy(s => s.Outcome).Select(g => $"{g.Count()}× {g.Key}"))}; " +
            $"slowest {(refused.Count == 0 ? 0 : refused.Max(s => s.Took).TotalSeconds):F1} s), grader calls failed {ledger.GraderErrors}");
        Assert.True(stoppedCleanly, "Azurite did not stop on SIGTERM within 10 s (killed instead: its last writes may be lost)");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, Unavailable), whileDown);
    }

    // 3b. While storage is down, the 503 reaches the clients before they give up ----------------------------

    // xqueue-watcher's REQUESTS_TIMEOUT default and the LMS's READ_TIMEOUT for submit (reference §8.1, §9.1).
    static readonly TimeSpan WatcherTimeout = TimeSpan.FromSeconds(1);
    static readonly TimeSpan LmsReadTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task While_storage_is_down_the_503_arrives_within_the_timeouts_of_the_watcher_and_the_lms()
    {
        await using var storage = await PersistentAzurite.StartNewAsync();
        var appLog = new AppLog();
        await using var service = await TestService.StartAsync(InProcess(Settings(TimeSpan.FromSeconds(3), storage.ConnectionString)), appLog.ReplaceConsole);
        using var lmsSession = await RawClient.LoginAsync(service);
        using var graderSession = await RawClient.LoginAsync(service, TestService.GraderUser, TestService.GraderPassword);
        // The grader's session has just been used (its revocation check is cached), the LMS's not since login.
        Assert.Equal(HttpStatusCode.OK, (await graderSession.GetAsync($"/xqueue/get_queuelen/?queue_name={TestService.Queue}")).Status);
        Assert.True(await storage.StopAsync(TimeSpan.FromSeconds(10)));

        static async Task<(HttpStatusCode Status, string Body, TimeSpan Took)> Timed(Func<Task<(HttpStatusCode, string)>> call)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (status, body) = await call();
            return (status, body, clock.Elapsed);
        }
        var header = LegacyText.Header("http://127.0.0.1:9/courses/c/xqueue/1/b/score_update", "k", TestService.Queue);
        var submitting = Timed(() => lmsSession.PostFormAsync("/xqueue/submit/", ("xqueue_header", header), ("xqueue_body", "x")));
        var pulling = Timed(() => graderSession.GetAsync($"/xqueue/get_submission/?queue_name={TestService.Queue}"));
        var (submit, pull) = (await submitting, await pulling);

        output.WriteLine($"[storage down] submit answered {(int)submit.Status} after {submit.Took.TotalSeconds:F1} s (LMS read timeout {LmsReadTimeout.TotalSeconds} s), " +
                         $"get_submission answered {(int)pull.Status} after {pull.Took.TotalSeconds:F1} s (watcher timeout {WatcherTimeout.TotalSeconds} s)");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, Unavailable), (submit.Status, submit.Body));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, Unavailable), (pull.Status, pull.Body));
        Assert.True(pull.Took < WatcherTimeout, $"get_submission took {pull.Took.TotalSeconds:F1} s: the watcher timed out and never saw the 503");
        Assert.True(submit.Took < LmsReadTimeout, $"submit took {submit.Took.TotalSeconds:F1} s: the LMS timed out and never saw the 503");
    }

    // 4. ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Two_instances_on_one_storage_account_hand_out_no_submission_twice_and_lose_none()
    {
        const int learners = 300, lmsClients = 4, graders = 4;
        // Well above a grader's time on a machine loaded by the rest of the suite (5 s lapsed there twice, the late
        // results rightly refused): every handout here must be the only one.
        var delay = TimeSpan.FromSeconds(15);
        var deadline = TimeSpan.FromSeconds(90); // a bound: 300 submits share two cores with the rest of the suite
        var prefix = Azurite.NewPrefix();
        await using var lms = await FakeLms.StartAsync();
        var appLog = new AppLog();
        await using var first = await TestService.StartAsync(InProcess(Settings(delay)), appLog.ReplaceConsole, prefix);
        await using var second = await TestService.StartAsync(InProcess(Settings(delay)), appLog.ReplaceConsole, prefix);
        Uri Instance(int actor) => actor % 2 == 0 ? first.BaseAddress : second.BaseAddress;
        var ledger = new ChaosLedger("two instances", delay);

        await using var wave = new ChaosWave(ledger, lms);
        wave.StartLearners(learners, lmsClients, Instance, "pair", deadline);
        // Each grader sends its results to the other instance than the one it pulls from: nothing may live in one instance's memory.
        wave.StartGraders(graders, Instance, ChaosWave.BriefGrading, grader => Instance(grader + 1));
        await wave.AcknowledgedDeliveredAsync(deadline);
        await wave.SettleUntilAsync(ledger.Now + TimeSpan.FromSeconds(2));
        await wave.StopAsync();

        var byInstance = ledger.Handouts.GroupBy(h => h.Grader % 2).OrderBy(g => g.Key).Select(g => g.Count());
        Report(ledger, lms.Received.ToArray(), appLog, $"handed out by instance {string.Join("/", byInstance)} (results put to the other)");
        Assert.Equal(learners, ledger.AcknowledgedCount);
        Assert.Equal(ledger.Handouts.Count, ledger.Handouts.Select(h => h.Id).Distinct().Count());
        Assert.All(ledger.Puts, put => Assert.Equal(PutOutcome.Accepted, put.Outcome)); // a key bound on one instance holds on the other
    }

    // 5. ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_grader_slower_than_the_processing_delay_loses_the_submission_to_another_and_its_late_result_is_rejected()
    {
        const int slow = 0, fast = 1, held = 5, raced = 20;
        var delay = TimeSpan.FromSeconds(3);
        await using var lms = await FakeLms.StartAsync();
        var appLog = new AppLog();
        await using var service = await TestService.StartAsync(InProcess(Settings(delay)), appLog.ReplaceConsole);
        using var lmsClient = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var graderA = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        using var graderB = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        var ledger = new ChaosLedger("slow grader", delay);

        async Task SubmitAsync(int learner, string block)
        {
            var tag = ChaosLedger.Tag(learner, 1);
            var header = LegacyText.Header(lms.CallbackUrl(learner, block), tag, TestService.Queue);
            var (code, message) = await lmsClient.SubmitAsync(header, LegacyText.Body(tag));
            ledger.Submits.Enqueue(new SubmitAttempt(learner, 1, tag, header, code == 0, $"{code} {message}", ledger.Now, TimeSpan.Zero));
        }
        async Task<Handout?> PullAsync(WatcherClient watcher, int grader)
        {
            var requestedAt = ledger.Now;
            var result = await watcher.GetSubmissionAsync(TestService.Queue);
            Assert.NotNull(result);
            if (result!.ReturnCode != 0) return null;
            var pull = Submissions.Pull.From(result);
            var tag = JsonDocument.Parse(pull.Body).RootElement.GetProperty("student_response").GetString()!;
            var handout = new Handout(pull.Id, pull.Key, tag, grader, requestedAt, ledger.Now);
            ledger.Handouts.Enqueue(handout);
            return handout;
        }

        // Phase 1, in order: A holds submissions past the delay; B gets each with a new key and answers; A's late answers are refused.
        for (var learner = 0; learner < held; learner++) await SubmitAsync(learner, "held");
        var heldByA = new List<Handout>();
        for (var i = 0; i < held; i++) heldByA.Add((await PullAsync(graderA, slow))!);
        Assert.Null(await PullAsync(graderB, fast)); // hidden while A holds them
        await Task.Delay(heldByA.Max(h => h.AnsweredAt) + delay + TimeSpan.FromMilliseconds(300) - ledger.Now);

        // Each comes back when its lease lapses (on a loaded machine the emulator may show one a moment late): B takes
        // them as they come, until it has as many as A held or a generous deadline passes.
        var takenByB = new List<Handout>();
        var drainUntil = DateTime.UtcNow + delay * 3;
        while (takenByB.Count < held && DateTime.UtcNow < drainUntil)
        {
            if (await PullAsync(graderB, fast) is { } handout) takenByB.Add(handout);
        }
        Assert.Equal(heldByA.Select(h => h.Id).Order(), takenByB.Select(h => h.Id).Order());
        Assert.All(takenByB, b => Assert.NotEqual(heldByA.Single(a => a.Id == b.Id).Key, b.Key));
        foreach (var late in heldByA) Assert.Equal(PutOutcome.WrongKey, await ChaosGrader.PutAsync(ledger, graderA, late, ChaosLedger.Reply(late.Tag, slow)));
        Assert.All(ledger.Puts, p => Assert.Equal("{\"return_code\": 1, \"content\": \"Incorrect key for submission\"}", p.Detail));
        foreach (var current in takenByB) Assert.Equal(PutOutcome.Accepted, await ChaosGrader.PutAsync(ledger, graderB, current, ChaosLedger.Reply(current.Tag, fast)));

        await lms.WaitForAsync(held, TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // a second delivery would show by now
        Assert.Equal(held, lms.Received.Count);
        Assert.Equal(takenByB.Select(b => ChaosLedger.Reply(b.Tag, fast)).Order(), lms.Received.Select(r => r.Body).Order());

        // Phase 2, racing: A's late answers and B's pulls of the same expired leases at once. Whichever wins,
        // each submission has exactly one accepted result and the LMS gets exactly that one, once.
        for (var learner = held; learner < held + raced; learner++) await SubmitAsync(learner, "race");
        var racedByA = new List<Handout>();
        for (var i = 0; i < raced; i++) racedByA.Add((await PullAsync(graderA, slow))!);
        await Task.Delay(racedByA.Max(h => h.AnsweredAt) + delay + TimeSpan.FromMilliseconds(100) - ledger.Now);
        var lateA = Task.Run(async () =>
        {
            foreach (var late in racedByA) await ChaosGrader.PutAsync(ledger, graderA, late, ChaosLedger.Reply(late.Tag, slow));
        });
        var drainB = Task.Run(async () =>
        {
            while (await PullAsync(graderB, fast) is { } handout) await ChaosGrader.PutAsync(ledger, graderB, handout, ChaosLedger.Reply(handout.Tag, fast));
        });
        await Task.WhenAll(lateA, drainB);

        var accepted = ledger.Puts.Where(p => p.Outcome == PutOutcome.Accepted).ToList();
        Assert.Equal(held + raced, accepted.Count);
        Assert.Equal(held + raced, accepted.Select(p => p.Id).Distinct().Count());
        await lms.WaitForAsync(held + raced, TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var winners = $"race won by the late grader {accepted.Count(p => p.Grader == slow)}, by the new holder {accepted.Count(p => p.Grader == fast) - held}";
        var check = Report(ledger, lms.Received.ToArray(), appLog, winners);
        Assert.Equal(0, check.ExtraDeliveries);
        foreach (var put in accepted)
        {
            var header = ledger.Submits.Single(s => s.Tag == put.Tag).Header;
            Assert.Equal(ChaosLedger.Reply(put.Tag, put.Grader), Assert.Single(lms.Received, r => r.Header == header).Body);
        }
    }

    /// <summary>Writes the summary line (and the notes), then checks the shared invariants and that no request was answered 500.</summary>
    DeliveryCheck Report(ChaosLedger ledger, IReadOnlyList<LmsCallbackRecord> delivered, AppLog appLog, string extra)
    {
        var check = ledger.CheckDeliveries(delivered);
        output.WriteLine(ledger.Summary(check, $"{extra}, {appLog.Describe()}"));
        foreach (var note in ledger.Notes) output.WriteLine("  " + note);
        foreach (var line in ledger.DescribeExtraDeliveries(delivered)) output.WriteLine("  extra: " + line);
        ledger.AssertInvariants(check);
        Assert.True(appLog.InternalErrors.Count == 0, $"requests answered 500: {string.Join(" | ", appLog.InternalErrors.Take(3).Select(e => e.Message))}");
        return check;
    }
}
