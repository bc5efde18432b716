using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using XQueue.Bench.Rig;

namespace XQueue.Bench.Phases;

/// <summary>
/// Phase 6. The floor: a graded cycle's storage calls (<see cref="StorageCycle"/>) issued straight at Azurite,
/// with the service's shape of concurrency: a worker makes get_submission's and put_result's calls in turn, as a
/// grader waits for them, and hands the delivery to a background pool of <c>Delivery:Concurrency</c> (8), as
/// put_result does. Depth 300 (filled straight in storage, see <see cref="StorageCycle.FillAsync"/>), drained by 1 and by 4 workers. The service's cycles/s
/// at the same depth are reported as a fraction of it (target ≥ 50 %). The former design's calls (taking ahead, no hold's
/// row) are measured the same way, and this floor over that one is reported. Through one instance's storage clients whatever
/// <c>--instances</c> says (no request reaches a service here), with the storage latency of the others' phases.
/// </summary>
public sealed record RawFloor(IReadOnlyList<RawFloor.Run> Runs)
{
    const string Queue = "bench-floor";

    public sealed record Run(int Workers, int Cycles, TimeSpan Elapsed, TimeSpan UntilDelivered, LatencySample GraderPath, bool TakingAhead = false)
    {
        public double CyclesPerSecond => Cycles / Elapsed.TotalSeconds;

        public JsonObject ToJson() => new()
        {
            ["calls"] = TakingAhead ? "the former design's (287d685): a receive of up to 32 serves the next pulls, no hold's row" : "this service's",
            ["workers"] = Workers,
            ["cycles"] = Cycles,
            ["seconds"] = Math.Round(Elapsed.TotalSeconds, 2),
            ["cyclesPerSecond"] = Math.Round(CyclesPerSecond, 1),
            ["lastDeliveryAfterLastCycleSeconds"] = Math.Round((UntilDelivered - Elapsed).TotalSeconds, 2),
            ["graderPathMs"] = GraderPath.ToJson(),
        };
    }

    public Run With(int workers, bool takingAhead = false) => Runs.Single(r => r.Workers == workers && r.TakingAhead == takingAhead);

    /// <summary>This service's floor over the former design's: the most of that design's rate these calls can keep here.</summary>
    public double OverTakingAhead(int workers) => With(workers).CyclesPerSecond / With(workers, takingAhead: true).CyclesPerSecond;

    public static async Task<RawFloor> MeasureAsync(BenchOptions options)
    {
        var depth = options.Size(300, 100);
        await using var rig = await BenchRig.StartAsync(options.Topology.OneInstance, [Queue], TimeSpan.FromMinutes(10));
        var runs = new List<Run>();
        foreach (var takingAhead in new[] { false, true })
        {
            var cycle = new StorageCycle(rig, Queue, takingAhead);
            await cycle.FillAsync(60);
            await RunAsync(cycle, 2, 60); // warm-up
            foreach (var workers in new[] { 1, 4 })
            {
                await cycle.FillAsync(depth);
                runs.Add(await RunAsync(cycle, workers, depth) with { TakingAhead = takingAhead });
            }
        }
        return new RawFloor(runs);
    }

    static async Task<Run> RunAsync(StorageCycle cycle, int workers, int cycles)
    {
        var deliveries = Channel.CreateUnbounded<StorageCycle.Answered>();
        var delivering = Parallel.ForEachAsync(deliveries.Reader.ReadAllAsync(),
            new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (answered, _) => await cycle.DeliverAsync(answered));

        var graderPath = new LatencySample();
        var remaining = cycles;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var start = Stopwatch.GetTimestamp();
                if (await cycle.PullAsync() is not { } held) break;
                deliveries.Writer.TryWrite(await cycle.AnswerAsync(held));
                graderPath.AddSince(start);
            }
        }));
        var elapsed = clock.Elapsed;
        deliveries.Writer.Complete();
        await delivering;
        return new Run(workers, graderPath.Count, elapsed, clock.Elapsed, graderPath);
    }

    /// <summary>The service's cycles/s as a fraction of the floor with as many workers as graders.</summary>
    public static double Fraction(GradedRun service, Run floor) => service.CyclesPerSecond / floor.CyclesPerSecond;

    public JsonObject ToJson() => new()
    {
        ["what"] = "a graded cycle's storage calls straight at Azurite with the service's storage clients (no HTTP, no LMS POST); delivery in a background pool of 8; depth 300",
        ["requestsPerCycle"] = StorageCycle.RequestsPerCycle,
        ["requestsPerCycleTakingAhead"] = Math.Round(StorageCycle.RequestsPerCycleTakingAhead, 2),
        ["calls"] = new JsonArray(StorageCycle.Calls.Select(s => (JsonNode)s).ToArray()),
        ["runs"] = new JsonArray(Runs.Select(r => (JsonNode)r.ToJson()).ToArray()),
        ["overTakingAhead"] = new JsonObject { ["1"] = Math.Round(OverTakingAhead(1), 2), ["4"] = Math.Round(OverTakingAhead(4), 2) },
    };
}
