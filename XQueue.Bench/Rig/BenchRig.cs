using System.Collections.Concurrent;
using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Intake;

namespace XQueue.Bench.Rig;

/// <summary>
/// What every load phase stands on: an Azurite of its own, the service in this process (its own queues, product
/// defaults unless a phase says otherwise; as many instances on the same storage as the <see cref="Topology"/>
/// says) and a real HTTP listener as the LMS. Every submission has its own callback URL (its own learner), so none
/// supersedes another.
/// Why not one Azurite for the whole run: the emulator's calls cost more with everything it holds (see
/// docs/performance.md, "The queue window"), so one phase's leftovers would slow the next. Its data is on disk,
/// as in any real deployment's storage, because the in-memory store stalls under sustained load (see <see cref="Azurite"/>).
/// </summary>
public sealed class BenchRig : IAsyncDisposable
{
    /// <summary>The ports of every running bench Azurite, so HTTP metrics can tell storage from the rest.</summary>
    public static readonly ConcurrentDictionary<int, bool> StoragePorts = new();

    readonly Azurite azurite;
    int sequence;

    BenchRig(Azurite azurite, IReadOnlyList<TestService> services, FakeLms lms)
    {
        this.azurite = azurite;
        Services = services;
        Lms = lms;
    }

    /// <summary>Every instance of the service, in the order the clients' rotation starts from.</summary>
    public IReadOnlyList<TestService> Services { get; }

    /// <summary>The first instance: what a phase reaches in process (prefills, its storage clients) goes through it.</summary>
    public TestService Service => Services[0];

    public IReadOnlyList<Uri> Addresses => [.. Services.Select(service => service.BaseAddress)];

    public FakeLms Lms { get; }

    public static async Task<BenchRig> StartAsync(
        Topology topology, IReadOnlyList<string> queues, TimeSpan processingDelay, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? overrides = null)
    {
        var azurite = await Azurite.StartAsync();
        foreach (var port in new[] { azurite.BlobPort, azurite.QueuePort, azurite.TablePort }) StoragePorts[port] = true;
        var all = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["XQueue:QueuesJson"] = JsonSerializer.Serialize(queues.ToDictionary(queue => queue, _ => new { })),
            ["XQueue:ProcessingDelay"] = processingDelay.ToString("c"),
            // Product defaults, where the test host shortens them.
            ["XQueue:Sweep:Interval"] = "00:00:15",
            ["XQueue:Delivery:RetryBase"] = "00:00:05",
            ["XQueue:Delivery:RetryMax"] = "00:05:00",
            // The bench measures capacity: one grader user polling back to back would meet the per-principal limits.
            ["XQueue:Throttling:Polls:Limit"] = "0",
            ["XQueue:Throttling:Submits:Limit"] = "0",
            // Warnings and errors only, and on stderr: stdout carries the summary.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:LogToStandardErrorThreshold"] = "Trace",
        };
        foreach (var (key, value) in topology.Settings()) all[key] = value;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        // The tests' host, with this rig's emulator in place of their shared one; every instance on the same storage
        // prefix. One after another: the first creates what the others then find (tables, the session key).
        var prefix = Azurite.NewPrefix();
        var services = new List<TestService>();
        try
        {
            for (var i = 0; i < topology.Instances; i++) services.Add(await TestService.StartAsync(all, overrides, prefix));
            return new BenchRig(azurite, services, await FakeLms.StartAsync());
        }
        catch
        {
            // A phase that fails to start leaves no instance or emulator running beside the next phase.
            foreach (var service in services) await service.DisposeAsync();
            await azurite.DisposeAsync();
            foreach (var port in new[] { azurite.BlobPort, azurite.QueuePort, azurite.TablePort }) StoragePorts.TryRemove(port, out _);
            throw;
        }
    }

    public async Task<LmsSimulator> NewLmsAsync()
    {
        var lms = new LmsSimulator(Addresses, TestService.LmsUser, TestService.LmsPassword);
        await lms.LoginAsync();
        return lms;
    }

    public async Task<GraderSimulator> NewGraderAsync()
    {
        var grader = new GraderSimulator(Addresses, TestService.GraderUser, TestService.GraderPassword);
        await grader.LoginAsync();
        return grader;
    }

    public BenchSubmission NewSubmission(string queue)
    {
        var seq = Interlocked.Increment(ref sequence);
        var header = LegacyText.Header(Lms.CallbackUrl(seq, "bench"), $"key-{seq}", queue);
        var body = LegacyText.Body($"# bench-seq:{seq}\ndef answer(x):\n    return x * 2\n");
        return new BenchSubmission(seq, queue, header, body);
    }

    /// <summary>Submits <paramref name="count"/> submissions through the API with several LMS clients; not timed.</summary>
    public async Task PrefillAsync(string queue, int count, int clients = 8)
    {
        var remaining = count;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            using var lms = await NewLmsAsync();
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var submission = NewSubmission(queue);
                await lms.SubmitAsync(submission.Header, submission.Body);
            }
        }));
    }

    /// <summary>Waits until the LMS has received at least <paramref name="count"/> callbacks in all; false on timeout.</summary>
    public async Task<bool> WaitForCallbacksAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Lms.Received.Count < count)
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(20);
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Services) await service.DisposeAsync();
        await Lms.DisposeAsync();
        await azurite.DisposeAsync();
        foreach (var port in new[] { azurite.BlobPort, azurite.QueuePort, azurite.TablePort }) StoragePorts.TryRemove(port, out _);
    }
}
