using System.Diagnostics;
using System.Text.Json.Nodes;
using XQueue.Bench.Rig;
using XQueue.Functions.Intake;

namespace XQueue.Bench.Phases;

/// <summary>
/// Phase 1. submits/s with 1 and 4 LMS clients submitting back to back, each for a fixed time; latency per submit, and
/// its storage calls (<see cref="StorageCost"/>: per submit all that the service made in the run, background
/// included, and per request the calls and those one after another).
/// </summary>
public sealed record SubmitThroughput(SubmitThroughput.Run One, SubmitThroughput.Run Four)
{
    const string Queue = "bench-submit";

    public sealed record Run(int Clients, int Submits, TimeSpan Elapsed, LatencySample Latency, StorageCost Storage)
    {
        public double PerSecond => Submits / Elapsed.TotalSeconds;

        public JsonObject ToJson() => new()
        {
            ["clients"] = Clients,
            ["submits"] = Submits,
            ["seconds"] = Math.Round(Elapsed.TotalSeconds, 2),
            ["submitsPerSecond"] = Math.Round(PerSecond, 1),
            ["latencyMs"] = Latency.ToJson(),
            ["storage"] = Storage.ToJson(),
        };
    }

    public static async Task<SubmitThroughput> MeasureAsync(BenchOptions options)
    {
        var duration = options.Seconds(6, 2);
        using var meters = new StorageMeters();
        await using var rig = await BenchRig.StartAsync(options.Topology, [Queue], TimeSpan.FromMinutes(10));
        await rig.PrefillAsync(Queue, 100, clients: 4); // warm-up: JIT, connections, storage tables
        var one = await RunAsync(rig, meters, 1, duration);
        var four = await RunAsync(rig, meters, 4, duration);
        return new SubmitThroughput(one, four);
    }

    static async Task<Run> RunAsync(BenchRig rig, StorageMeters meters, int clients, TimeSpan duration)
    {
        var lmsClients = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => rig.NewLmsAsync()));
        var mark = meters.Start();
        var latency = new LatencySample();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(lmsClients.Select(async lms =>
        {
            while (clock.Elapsed < duration)
            {
                var submission = rig.NewSubmission(Queue);
                var start = Stopwatch.GetTimestamp();
                await lms.SubmitAsync(submission.Header, submission.Body);
                latency.AddSince(start);
            }
        }));
        var elapsed = clock.Elapsed;
        var storage = meters.Since(mark, latency.Count, "submit");
        foreach (var lms in lmsClients) lms.Dispose();
        return new Run(clients, latency.Count, elapsed, latency, storage);
    }

    public string Headline() => $"submits/s {Four.PerSecond:F0} (4 clients)";

    public JsonObject ToJson() => new()
    {
        ["what"] = "LMS clients submitting back to back (form POST, session cookie, keep-alive), fixed time per run",
        ["oneClient"] = One.ToJson(),
        ["fourClients"] = Four.ToJson(),
    };
}
