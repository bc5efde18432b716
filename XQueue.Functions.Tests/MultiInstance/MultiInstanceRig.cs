using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.MultiInstance;

/// <summary>
/// The cast of a multi-instance test: three published instances on the shared Azurite with one storage prefix,
/// the round-robin front before them, and a real LMS listener. Clients are the usual LMS and watcher clients,
/// pointed at the front, so every request they send lands on the next instance.
/// </summary>
public sealed class MultiInstanceRig : IAsyncDisposable
{
    public const int InstanceCount = 3;

    /// <summary>A second pull queue, for graders busy elsewhere while a submission waits on <see cref="TestService.Queue"/>.</summary>
    public const string OtherQueue = "other-pull";

    MultiInstanceRig(PublishedInstances instances, RoundRobinFront front, FakeLms lms)
    {
        Instances = instances;
        Front = front;
        Lms = lms;
    }

    public PublishedInstances Instances { get; }
    public RoundRobinFront Front { get; }
    public FakeLms Lms { get; }

    /// <param name="settings">Configuration keys (<c>XQueue:ProcessingDelay</c> …) over TestService's defaults.</param>
    public static async Task<MultiInstanceRig> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var azurite = await Azurite.Shared;
        var lms = await FakeLms.StartAsync();
        PublishedInstances? instances = null;
        try
        {
            instances = await PublishedInstances.StartAsync(InstanceCount, AsEnvironment(azurite.ConnectionString, Azurite.NewPrefix(), settings));
            return new MultiInstanceRig(instances, await RoundRobinFront.StartAsync(instances.Addresses), lms);
        }
        catch
        {
            if (instances is not null) await instances.DisposeAsync();
            await lms.DisposeAsync();
            throw;
        }
    }

    /// <summary>The settings as a deployment gives them: environment variables, the queues in one JSON setting (infra/main.bicep).</summary>
    static Dictionary<string, string> AsEnvironment(string connectionString, string prefix, IReadOnlyDictionary<string, string>? settings)
    {
        var all = TestService.DefaultSettings();
        all.Remove($"XQueue:Queues:{TestService.Queue}:PushUrl");
        all["XQueue:QueuesJson"] = $"{{\"{TestService.Queue}\": {{}}, \"{OtherQueue}\": {{}}}}";
        all["AzureWebJobsStorage"] = connectionString;
        all["XQueue:StoragePrefix"] = prefix;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) all[key] = value;
        return all.ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value ?? "");
    }

    public LmsClient NewLmsClient() => new(Front.BaseAddress, TestService.LmsUser, TestService.LmsPassword);

    public WatcherClient NewWatcher() => new(Front.BaseAddress, TestService.GraderUser, TestService.GraderPassword);

    public string Header(int learner, string block, string lmsKey, string queue = TestService.Queue) =>
        LegacyText.Header(Lms.CallbackUrl(learner, block), lmsKey, queue);

    /// <summary>The instance that answered the last request to <paramref name="path"/>.</summary>
    public int LastInstanceFor(string path) => Front.RoutesTo(path)[^1].Instance;

    /// <summary>Requests per instance, and the instances' starts and kills: for a test's output.</summary>
    public string Describe()
    {
        var perInstance = Front.Routes.GroupBy(r => r.Instance).OrderBy(g => g.Key).Select(g => $"{(g.Key < 0 ? "none" : $"#{g.Key}")}: {g.Count()}");
        return $"requests by instance {string.Join(", ", perInstance)}; {Instances.Log.Describe()}\n  " + string.Join("\n  ", Instances.Events);
    }

    /// <summary>No instance answered a request with 500 (LegacyFailures logs each as an error).</summary>
    public void AssertNoInternalErrors()
    {
        var errors = Instances.Log.InternalErrors;
        Assert.True(errors.Count == 0, $"requests answered 500: {string.Join(" | ", errors.Take(3).Select(e => e.Message))}");
        Assert.DoesNotContain(Front.Routes, r => r.Status == 500);
    }

    public async ValueTask DisposeAsync()
    {
        await Front.DisposeAsync();
        await Instances.DisposeAsync();
        await Lms.DisposeAsync();
    }
}
