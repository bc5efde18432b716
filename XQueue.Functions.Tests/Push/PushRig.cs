using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Dashboard;
using XQueue.Functions.Handouts;

namespace XQueue.Functions.Tests.Push;

/// <summary>
/// The cast of a push test: a real grader listener, the service with one push queue pointing at it
/// (short delays, so attempts and retries take seconds), a real LMS listener and the LMS's client.
/// </summary>
public sealed class PushRig : IAsyncDisposable
{
    public const string Queue = "test-push";

    PushRig(FakeGrader grader, TestService service, FakeLms lms)
    {
        Grader = grader;
        Service = service;
        Lms = lms;
        LmsClient = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
    }

    public FakeGrader Grader { get; }
    public TestService Service { get; }
    public FakeLms Lms { get; }
    public LmsClient LmsClient { get; }

    /// <param name="pushUrl">The queue's PushUrl from the grader's base address (default: its /grade path).</param>
    public static async Task<PushRig> StartAsync(
        IDictionary<string, string?>? settings = null, Func<Uri, string>? pushUrl = null, Action<IServiceCollection>? overrides = null)
    {
        var grader = await FakeGrader.StartAsync();
        var all = new Dictionary<string, string?>
        {
            [$"XQueue:Queues:{Queue}:PushUrl"] = pushUrl?.Invoke(grader.BaseAddress) ?? new Uri(grader.BaseAddress, "/grade").AbsoluteUri,
            [$"XQueue:Queues:{Queue}:ProcessingDelay"] = "00:00:06",
            ["XQueue:MaxFailures"] = "3",
            ["XQueue:Push:Timeout"] = "00:00:02",
            ["XQueue:Push:RetryBase"] = "00:00:01",
            ["XQueue:Push:RetryMax"] = "00:00:02",
            ["XQueue:Push:Recheck"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return new PushRig(grader, await TestService.StartAsync(all, overrides), await FakeLms.StartAsync());
    }

    public string Header(int user, string block) => LegacyText.Header(Lms.CallbackUrl(user, block), "k" + user, Queue);

    public async Task SubmitAsync(int user, string block, string body, IReadOnlyDictionary<string, byte[]>? files = null)
    {
        var (code, message) = await LmsClient.SubmitAsync(Header(user, block), body, files);
        Assert.True(code == 0, message);
    }

    /// <summary>The test's submissions on the push queue, as stored (each test has its own storage prefix).</summary>
    public async Task<IReadOnlyList<Submission>> SubmissionsAsync()
    {
        var page = await Service.Get<SubmissionListing>().ListAsync(new SubmissionQuery(Queue: Queue), 50, null);
        var store = Service.Get<SubmissionStore>();
        var submissions = new List<Submission>();
        foreach (var row in page.Rows) submissions.Add((await store.GetAsync(row.Id))!);
        return submissions;
    }

    public async ValueTask DisposeAsync()
    {
        LmsClient.Dispose();
        await Service.DisposeAsync();
        await Lms.DisposeAsync();
        await Grader.DisposeAsync();
    }
}
