using Xunit.Abstractions;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>
/// The storage calls of the graded path, counted through the real pipeline (Kestrel, the service's storage clients,
/// Azurite): a submit, one pull, one result and one delivery cost 9, of which the hold's row is one insert at the pull,
/// the result written into it, and one delete at delivery; an empty poll costs 2 (the receive, and the backlog asked before "empty" is said). A
/// change that adds a call to the hot path fails here. What is paid per second, not per submission, is held to that
/// separately: the outbox consumer's looks, and the count a submit's reply shares with the submits of a quarter second
/// (queue metadata, live holds, backlog), so a slow machine, which makes fewer submissions share a count, cannot fail
/// the per-submission budget.
/// </summary>
public sealed class StorageCallBudgetTests(ITestOutputHelper output)
{
    const int Cycles = 10;
    const int PerGradedSubmission = 9;

    [Fact]
    public async Task A_graded_submission_costs_nine_storage_calls_plus_a_shared_count_and_an_empty_poll_three()
    {
        var calls = new StorageCalls();
        await using var rig = await GradingRig.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:Sweep:Interval"] = "01:00:00",
            ["XQueue:Sweep:HistoryInterval"] = "01:00:00", // its minute's reads would land among the calls counted
        }, calls.AddTo);
        var names = rig.Service.Get<StorageNames>();
        var (holds, backlog, outbox) = (names.HoldsTable, names.BacklogTable, names.DeliveryQueue);
        // Each instance writes its counts and latencies every few seconds, and checks a session every 30 s: paid per
        // second and per session, not per submission, and not on any request's path.
        string[] background = [names.ResultCountsTable, names.LatenciesTable, names.QueueHistoryTable, rig.Service.Get<XQueue.Functions.Auth.SessionKeys>().Table.Name];
        bool Background(StorageCall call) => background.Any(table => call.Path.Contains(table, StringComparison.Ordinal));
        var work = rig.Service.Get<QueueCatalog>().WorkQueue(TestService.Queue).Name;
        await CycleAsync(rig, 0); // logins, the first count of the queue
        await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10));
        await calls.WaitForAsync("queue.delete", work, 1, TimeSpan.FromSeconds(10));
        await calls.WaitForAsync("table.delete", holds, 1, TimeSpan.FromSeconds(10)); // at once with the message's delete

        var (deletes, ended) = (calls.Count("queue.delete", work), calls.Count("table.delete", holds));
        var before = calls.Snapshot().Count;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var user = 1; user <= Cycles; user++) await CycleAsync(rig, user);
        Assert.Equal(Cycles + 1, (await rig.Lms.WaitForAsync(Cycles + 1, TimeSpan.FromSeconds(10))).Count);
        await calls.WaitForAsync("queue.delete", work, deletes + Cycles, TimeSpan.FromSeconds(10)); // each delivery ends with it
        await calls.WaitForAsync("table.delete", holds, ended + Cycles, TimeSpan.FromSeconds(10));
        var seconds = clock.Elapsed.TotalSeconds;
        var spent = calls.Snapshot().Skip(before).Where(call => !Background(call)).ToList();

        // Paid per second, not per submission: the outbox consumer's looks at the outbox, and the shared count.
        bool Outbox(StorageCall call) => call.Operation == "queue.receive" && call.Path.Contains(outbox, StringComparison.Ordinal);
        bool Count(StorageCall call) => call.Operation == "queue.count"
            || call.Operation == "table.query" && (call.Path.Contains(holds, StringComparison.Ordinal) || call.Path.Contains(backlog, StringComparison.Ordinal));
        bool Periodic(StorageCall call) => Outbox(call) || Count(call);
        var periodic = spent.Where(Outbox).ToList();
        var counts = spent.Where(Count).ToList();
        var graded = spent.Where(call => !Periodic(call)).ToList();
        output.WriteLine($"{Cycles} graded submissions in {seconds:F2} s: {graded.Count} calls ({Breakdown(graded)}); outbox looks {periodic.Count}; shared counts {counts.Count} calls");
        Assert.True(graded.Count <= PerGradedSubmission * Cycles, $"{graded.Count / (double)Cycles:F1} calls per graded submission: {Breakdown(graded)}");
        Assert.Equal(Cycles, graded.Count(call => call.Operation == "queue.receive" && call.Path.Contains(work, StringComparison.Ordinal))); // one per pull
        Assert.DoesNotContain(graded, call => call.Operation == "queue.update"); // the work message is only received and deleted
        Assert.Equal(3 * Cycles, graded.Count(call => call.Operation is "table.insert" or "table.merge" or "table.delete" && call.Path.Contains(holds, StringComparison.Ordinal))); // taken at the pull, the result written in, ended at delivery
        // The outbox consumer backs off from a tenth of a second when it finds nothing; a count serves a quarter second.
        Assert.InRange(periodic.Count, 0, (int)Math.Ceiling(seconds * 10) + 2);
        Assert.InRange(counts.Count, 3, 3 * ((int)Math.Ceiling(seconds * 4) + 1));

        var beforeEmpty = calls.Snapshot().Count;
        for (var poll = 0; poll < 5; poll++) Assert.Null(await Pull.NextAsync(rig.Watcher));
        var empty = calls.Snapshot().Skip(beforeEmpty).Where(call => !Outbox(call) && !Background(call)).ToList();
        // An empty poll looks, asks the backlog, and looks again (a refill may have moved rows in between).
        Assert.True(empty.Count == 15 && empty.Count(call => call.Operation == "queue.receive") == 10
            && empty.Count(call => call.Path.Contains(backlog, StringComparison.Ordinal)) == 5, $"5 empty polls: {Breakdown(empty)}");
    }

    static async Task CycleAsync(GradingRig rig, int user)
    {
        Assert.Equal(0, (await rig.SubmitAsync(user, "budget", $"print({user})")).Code);
        var pull = await Pull.NextAsync(rig.Watcher);
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, $"graded {user}")))!.ReturnCode);
    }

    static string Breakdown(IEnumerable<StorageCall> calls) =>
        string.Join(", ", calls.GroupBy(call => call.Operation).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
}
