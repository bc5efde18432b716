using System.Reflection;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Chaos;
using XQueue.Functions.Tests.Legacy;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>
/// A grader's key works on any instance at once: several apps on one storage account, the pull through one and the
/// result or lease through another, as Azure's front end routes requests with no affinity.
/// </summary>
public sealed class AnyInstanceKeyTests
{
    static readonly Dictionary<string, string?> Settings = new()
    {
        ["XQueue:ProcessingDelay"] = "00:00:02",
        ["XQueue:MaxLease"] = "00:00:30",
    };

    static async Task<TestService[]> StartAsync(string prefix, int count, Action<IServiceCollection>? firstOverrides = null, string sweepInterval = "00:00:01")
    {
        var settings = new Dictionary<string, string?>(Settings) { ["XQueue:Sweep:Interval"] = sweepInterval };
        var services = new List<TestService> { await TestService.StartAsync(new Dictionary<string, string?>(settings), firstOverrides, prefix) };
        for (var i = 1; i < count; i++) services.Add(await TestService.StartAsync(new Dictionary<string, string?>(settings), prefix: prefix));
        return [.. services];
    }

    static async Task SubmitAsync(TestService service, FakeLms lms, int learner)
    {
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        var header = $"{{\"lms_callback_url\": \"{lms.CallbackUrl(learner, "any")}\", \"lms_key\": \"k{learner}\", \"queue_name\": \"{TestService.Queue}\"}}";
        Assert.Equal(0, (await client.SubmitAsync(header, $"{{\"student_response\": \"print({learner})\"}}")).Code);
    }

    [Fact]
    public async Task A_key_is_taken_at_once_by_an_instance_that_never_heard_of_the_pull_even_when_the_puller_cannot_publish_anything()
    {
        await using var lms = await FakeLms.StartAsync();
        var prefix = Azurite.NewPrefix();
        // The instance that hands the submission out cannot write the former design's in-flight row (the table is gone
        // now): then no other instance could act on its keys.
        var apps = await StartAsync(prefix, 2, new StorageFaults { FailWritesTo = prefix + "inflight" }.AddTo);
        try
        {
            var (puller, answerer) = (apps[0], apps[1]);
            await SubmitAsync(answerer, lms, 1);
            using var pullSide = await GraderApi.LoginAsync(puller);
            using var answerSide = await GraderApi.LoginAsync(answerer);
            var pull = Pull.From(await pullSide.GetSubmissionAsync());

            Assert.Equal(0, (await answerSide.ExtendLeaseAsync(pull.Header, 5)).ReturnCode);
            Assert.Equal(0, (await answerSide.PutResultAsync(pull.Header, Pull.Result(true, 1, "from elsewhere"))).ReturnCode);
            var delivered = await lms.WaitForAsync(r => r.Header.Contains("\"k1\""), TimeSpan.FromSeconds(10));
            Assert.NotNull(delivered);
            Assert.Contains("from elsewhere", delivered.Body);
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task After_a_lease_ran_out_and_another_grader_pulled_again_a_third_instance_takes_the_new_key_and_refuses_the_old()
    {
        await using var lms = await FakeLms.StartAsync();
        // No sweep runs meanwhile: an instance keeps (and shows) a hold whose lease ran out until it next sweeps.
        var apps = await StartAsync(Azurite.NewPrefix(), 3, sweepInterval: "00:01:00");
        try
        {
            // The instance whose published holds come first in the table pulls first: before, its stale hold (version 0,
            // like the new one) won the lookup and the new grader's valid key was refused.
            var (first, second) = InstanceId(apps[0]).CompareTo(InstanceId(apps[1])) <= 0 ? (apps[0], apps[1]) : (apps[1], apps[0]);
            var third = apps[2];
            await SubmitAsync(third, lms, 2);
            using var lapsing = await GraderApi.LoginAsync(first);
            using var next = await GraderApi.LoginAsync(second);
            using var answering = await GraderApi.LoginAsync(third);

            var lost = Pull.From(await lapsing.GetSubmissionAsync());
            var again = Pull.From(await next.GetSubmissionAsync(wait: 10)); // reappears after the 2 s delay
            Assert.Equal(lost.Id, again.Id);
            Assert.NotEqual(lost.Key, again.Key);

            Assert.Equal(0, (await answering.PutResultAsync(again.Header, Pull.Result(true, 1, "second grader"))).ReturnCode);
            Assert.Equal("Incorrect key for submission", (await answering.PutResultAsync(lost.Header, Pull.Result(false, 0, "first grader"))).Content.GetString());
            var delivered = await lms.WaitForAsync(r => r.Header.Contains("\"k2\""), TimeSpan.FromSeconds(10));
            Assert.Contains("second grader", delivered!.Body);
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_result_through_an_instance_that_did_not_hand_the_submission_out_costs_that_request_one_call_and_is_recorded_whole()
    {
        await using var lms = await FakeLms.StartAsync();
        var calls = new StorageCalls();
        var prefix = Azurite.NewPrefix();
        var puller = await TestService.StartAsync(new Dictionary<string, string?>(Settings), prefix: prefix);
        var answerer = await TestService.StartAsync(new Dictionary<string, string?>(Settings), calls.AddTo, prefix);
        try
        {
            await SubmitAsync(puller, lms, 3);
            using var pullSide = await GraderApi.LoginAsync(puller);
            using var answerSide = await GraderApi.LoginAsync(answerer);
            var pull = Pull.From(await pullSide.GetSubmissionAsync());

            // The answering instance checks the session's revocation once, then for half a minute from memory.
            Assert.Equal(0, (await answerSide.GetAsync($"/xqueue/get_queuelen/?queue_name={TestService.Queue}")).ReturnCode);
            var before = calls.Snapshot().Count;
            Assert.Equal(0, (await answerSide.PutResultAsync(pull.Header, Pull.Result(true, 1, "answered elsewhere"))).ReturnCode);
            // Its one call is the write into the hold's row that proves the lease and keeps the result; the submission is
            // read only by the delivery after it (before, the read came first, on the grader's path), and the work
            // message is not touched until delivery deletes it. Background calls of the instance (flushes, the outbox's
            // poll) may come between; none of them touches the submissions table or the holds table.
            var names = answerer.Get<StorageNames>();
            bool IntoRow(StorageCall call) => call.Operation == "table.merge" && call.Path.Contains(names.HoldsTable, StringComparison.Ordinal);
            var untilWrite = calls.Snapshot().Skip(before).TakeWhile(call => !IntoRow(call)).ToList();
            Assert.Contains(calls.Snapshot().Skip(before), IntoRow);
            Assert.DoesNotContain(untilWrite, call => call.Path.Contains(names.SubmissionsTable, StringComparison.Ordinal)
                || call.Path.Contains(names.HoldsTable, StringComparison.Ordinal) || call.Operation == "queue.update");
            var delivered = await lms.WaitForAsync(r => r.Header.Contains("\"k3\""), TimeSpan.FromSeconds(10));
            Assert.Contains("answered elsewhere", delivered!.Body);

            var store = answerer.Get<SubmissionStore>();
            Assert.True(await Eventually.HoldsAsync(async () => (await store.GetAsync(pull.Id))?.Delivery == DeliveryState.Delivered,
                TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)));
            var stored = await store.GetAsync(pull.Id);
            Assert.Equal(TestService.GraderUser, stored!.GraderUser);
            Assert.Equal(pull.Key, stored.PullKey);
            Assert.Contains("print(3)", stored.Body.Inline);
            Assert.Equal([SubmissionEvent.Pulled, SubmissionEvent.Delivery], stored.History.Select(e => e.Kind));
            Assert.Equal(TestService.GraderUser, stored.History[0].Actor);
        }
        finally
        {
            await answerer.DisposeAsync();
            await puller.DisposeAsync();
        }
    }

    // The in-flight row key of an instance under the former design (an index of holds in each instance's memory), so the
    // test gives the roles their worst order there; today every instance reads the same holds table and the order is moot.
    static string InstanceId(TestService app) =>
        Type.GetType("XQueue.Functions.Submissions.InflightIndex, XQueue.Functions") is { } index
            ? index.GetField("instance", BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(app.Services.GetService(index)) as string ?? ""
            : "";
}
