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
/// row) and the fewest queue calls the rules allow are measured the same way (<see cref="CycleCalls"/>), and each floor
/// over the former design's is reported: the most of its rate those calls could keep here. Through one instance's storage clients whatever
/// <c>--instances</c> says (no request reaches a service here), with the storage latency of the others' phases.
/// </summary>
public sealed record RawFloor(IReadOnlyList<RawFloor.Run> Runs)
{
    const string Queue = "bench-floor";

    public sealed record Run(int Workers, int Cycles, TimeSpan Elapsed, TimeSpan UntilDelivered, LatencySample GraderPath, CycleCalls Shape = CycleCalls.ThisService)
    {
        public double CyclesPerSecond => Cycles / Elapsed.TotalSeconds;

        public JsonObject ToJson() => new()
        {
            ["calls"] = Shape.ToString(),
            ["requestsPerCycle"] = Math.Round(StorageCycle.RequestsPerCycle(Shape), 2),
            ["workers"] = Workers,
            ["cycles"] = Cycles,
            ["seconds"] = Math.Round(Elapsed.TotalSeconds, 2),
            ["cyclesPerSecond"] = Math.Round(CyclesPerSecond, 1),
            ["lastDeliveryAfterLastCycleSeconds"] = Math.Round((UntilDelivered - Elapsed).TotalSeconds, 2),
            ["graderPathMs"] = GraderPath.ToJson(),
        };
    }

    /// <summary>The median of the rounds' runs with this many workers and these calls.</summary>
    public Run With(int workers, CycleCalls shape = CycleCalls.ThisService)
    {
        var runs = Runs.Where(r => r.Workers == workers && r.Shape == shape).OrderBy(r => r.CyclesPerSecond).ToList();
        return runs[runs.Count / 2];
    }

    /// <summary>A floor over the former design's: the most of that design's rate these calls can keep on this storage.</summary>
    public double OverTakingAhead(int workers, CycleCalls shape = CycleCalls.ThisService) =>
        With(workers, shape).CyclesPerSecond / With(workers, CycleCalls.TakingAhead).CyclesPerSecond;

    public static async Task<RawFloor> MeasureAsync(BenchOptions options)
    {
        var depth = options.Size(300, 100);
        await using var rig = await BenchRig.StartAsync(options.Topology.OneInstance, [Queue], TimeSpan.FromMinutes(10));
        var shapes = Enum.GetValues<CycleCalls>();
        var cycles = shapes.ToDictionary(shape => shape, shape => new StorageCycle(rig, Queue, shape));
        foreach (var cycle in cycles.Values)
        {
            await cycle.FillAsync(60);
            await RunAsync(cycle, 2, 60); // warm-up
        }
        // Whichever runs first on a fresh emulator is measured slower: each kind of calls goes first in one round, and
        // the median of the rounds is reported.
        var runs = new List<Run>();
        var rounds = options.Size(shapes.Length, 1);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var workers in new[] { 1, 4 })
            {
                foreach (var shape in shapes.Skip(round).Concat(shapes.Take(round)))
                {
                    await cycles[shape].FillAsync(depth);
                    runs.Add(await RunAsync(cycles[shape], workers, depth) with { Shape = shape });
                }
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
        ["calls"] = new JsonArray(StorageCycle.Calls.Select(s => (JsonNode)s).ToArray()),
        ["runs"] = new JsonArray(Runs.Select(r => (JsonNode)r.ToJson()).ToArray()),
        ["overTakingAhead"] = new JsonObject(Enum.GetValues<CycleCalls>().Where(shape => shape != CycleCalls.TakingAhead).Select(shape =>
            KeyValuePair.Create<string, JsonNode?>(shape.ToString(), new JsonObject { ["1"] = Math.Round(OverTakingAhead(1, shape), 2), ["4"] = Math.Round(OverTakingAhead(4, shape), 2) }))),
    };
}
