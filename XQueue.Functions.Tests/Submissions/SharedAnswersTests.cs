using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Legacy;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>
/// Answers that depend on what other instances did: the queue length and "empty" are storage's, not a belief of the
/// instance asked. Two apps on one storage account, work through one and the question through the other.
/// </summary>
public sealed class SharedAnswersTests
{
    static async Task<(TestService First, TestService Second)> StartPairAsync(Dictionary<string, string?> settings)
    {
        var prefix = Azurite.NewPrefix();
        // No sweep meanwhile: it would refill backlogs and hide what the requests themselves answer.
        settings["XQueue:Sweep:Interval"] = "01:00:00";
        var first = await TestService.StartAsync(new Dictionary<string, string?>(settings), prefix: prefix);
        return (first, await TestService.StartAsync(new Dictionary<string, string?>(settings), prefix: prefix));
    }

    static async Task<int> QueueLengthAsync(GraderApi grader)
    {
        var reply = await grader.GetAsync($"/xqueue/get_queuelen/?queue_name={TestService.Queue}");
        Assert.Equal(0, reply.ReturnCode);
        return reply.Content.GetInt32();
    }

    static async Task SubmitAsync(TestService service, int from, int count, int parallel = 1)
    {
        await Parallel.ForEachAsync(Enumerable.Range(from, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (learner, _) =>
        {
            using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
            var header = $"{{\"lms_callback_url\": \"http://127.0.0.1:9/{learner}\", \"lms_key\": \"k{learner}\", \"queue_name\": \"{TestService.Queue}\"}}";
            Assert.Equal(0, (await client.SubmitAsync(header, $"{{\"student_response\": \"print({learner})\"}}")).Code);
        });
    }

    [Fact]
    public async Task An_instance_that_found_the_backlog_empty_still_counts_and_hands_out_what_another_spilled_there_since()
    {
        var (asked, spilling) = await StartPairAsync(new() { ["XQueue:QueueWindow"] = "10" });
        await using var _ = asked;
        await using var __ = spilling;
        using var grader = await GraderApi.LoginAsync(asked);
        // The asked instance looks at the backlog and finds it empty (before, it then trusted "empty" for 5 seconds).
        Assert.Equal(1, (await grader.GetSubmissionAsync()).ReturnCode);

        await SubmitAsync(spilling, 1, 11); // a window of 10 in the queue, the eleventh in the backlog

        Assert.Equal(11, await QueueLengthAsync(grader));
        for (var pull = 1; pull <= 11; pull++)
        {
            var reply = await grader.GetSubmissionAsync();
            Assert.True(reply.ReturnCode == 0, $"pull {pull} of 11 answered \"{reply.Text}\" while submissions waited");
        }
        Assert.Equal(0, await QueueLengthAsync(grader));
    }

    [Fact]
    public async Task An_instance_whose_backlog_another_drained_sends_its_next_submission_straight_to_the_queue()
    {
        var clock = new ShiftedClock();
        var prefix = Azurite.NewPrefix();
        var settings = new Dictionary<string, string?> { ["XQueue:QueueWindow"] = "10", ["XQueue:Sweep:Interval"] = "01:00:00" };
        await using var spilling = await TestService.StartAsync(new Dictionary<string, string?>(settings), services => services.AddSingleton<TimeProvider>(clock), prefix);
        await using var draining = await TestService.StartAsync(new Dictionary<string, string?>(settings), prefix: prefix);
        await SubmitAsync(spilling, 1, 12); // a window of 10 in the queue, two in the backlog: the spilling instance knows of it
        using (var grader = await GraderApi.LoginAsync(draining))
        {
            for (var pull = 1; pull <= 12; pull++)
            {
                var reply = await grader.GetSubmissionAsync();
                Assert.True(reply.ReturnCode == 0, $"pull {pull} of 12 answered \"{reply.Text}\"");
                Assert.Equal(0, (await grader.PutResultAsync(Pull.From(reply).Header, Pull.Result(true, 1, "ok"))).ReturnCode);
            }
            Assert.Equal(0, await QueueLengthAsync(grader));
        }

        // The other instance moved the backlog in and drained it; what the spilling one knew of the window is a while old.
        clock.Offset = TimeSpan.FromSeconds(5);
        await SubmitAsync(spilling, 13, 1);

        var work = spilling.Get<QueueCatalog>().WorkQueue(TestService.Queue);
        Assert.Equal(0, await spilling.Get<Backlog>().CountAsync(work.Name)); // before, it went to the backlog: a stale belief
        Assert.Single((await work.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task Thousands_of_held_submissions_leave_every_instance_s_queue_length_exact()
    {
        const int Held = 2_200; // one instance's holds used to be one table row: about 2,000 of them and it could not be written
        var (puller, counter) = await StartPairAsync(new() { ["XQueue:QueueWindow"] = "3000", ["XQueue:ProcessingDelay"] = "00:10:00" });
        await using var _ = puller;
        await using var __ = counter;
        await SubmitAsync(counter, 1, Held, parallel: 8);
        using var pulling = await GraderApi.LoginAsync(puller);
        using var counting = await GraderApi.LoginAsync(counter);
        // The storage's own count: on a loaded machine a send the SDK retried after a timeout may have landed twice.
        var messages = await counter.Get<QueueCatalog>().WorkQueue(TestService.Queue).ApproximateCountAsync();
        Assert.InRange(messages, Held, Held + 20);
        Assert.Equal(messages, await QueueLengthAsync(counting));

        // Drained until empty: every submission handed out once (a second message of one is dropped while it is held).
        var pulled = new List<Pull>();
        while (await pulling.GetSubmissionsAsync(32) is { ReturnCode: 0 } reply) pulled.AddRange(GraderApi.Pulls(reply));
        Assert.Equal(Held, pulled.Count);
        Assert.Equal(Held, pulled.Select(pull => pull.Id).Distinct().Count());

        Assert.Equal(0, await QueueLengthAsync(counting));
        Assert.Equal(0, (await counting.PutResultAsync(pulled[^1].Header, Pull.Result(true, 1, "last one"))).ReturnCode);
        Assert.Equal(0, await QueueLengthAsync(counting));
    }
}
