using System.Text.Json.Nodes;
using XQueue.Bench.Rig;

namespace XQueue.Bench.Phases;

/// <summary>
/// Phase 2. Graded cycles/s (get_submission + put_result) with 1 and 4 graders at queue depth 300 and 5,000,
/// and at depth 300 the same with bulk pulls (get_submissions for <see cref="BulkSize"/>, one put_results for them).
/// At depth 300 the queue is filled through the submit API and each run drains the 300. At 5,000 each run
/// grades for a fixed 15 s (at most 500) and the queue is topped up between the runs; it is filled through the
/// submit logic in this process (<see cref="DirectPrefill"/>: what submit stores, window and backlog included), because 5,000 submits
/// through the API cost a minute or more of the time budget and pulls cannot tell the difference. The
/// processing delay (10 min) outlasts the phase, so nothing is handed out twice. Between runs every result is
/// first delivered to the LMS, so one run's deliveries do not load the next.
/// Each rig, just after it is filled, also serves <see cref="LatencyVsDepth"/> (depth 100 and 5,000), which
/// spares the run a third fill of 5,000.
/// </summary>
public sealed record GradedCycles(IReadOnlyList<GradedCycles.Run> Runs, LatencyVsDepth Depth)
{
    const string Queue = "bench-cycles";
    public const int BulkSize = 16;

    public sealed record Run(int Depth, GradedRun Graded, double DeliveredAfterSeconds, bool AllDelivered)
    {
        public JsonObject ToJson()
        {
            var json = Graded.ToJson();
            json["depth"] = Depth;
            json["lastCallbackAfterLastPutSeconds"] = Math.Round(DeliveredAfterSeconds, 2);
            json["allDelivered"] = AllDelivered;
            return json;
        }
    }

    public GradedRun At(int depth, int graders, int pullSize = 1) =>
        Runs.Single(r => r.Depth == depth && r.Graded.Graders == graders && r.Graded.PullSize == pullSize).Graded;

    public static async Task<GradedCycles> MeasureAsync(BenchOptions options)
    {
        var (shallow, deep, deepCycles) = (options.Size(300, 100), options.Size(5000, 600), options.Size(500, 100));
        var (shallowLimit, deepLimit) = (options.Seconds(60, 20), options.Seconds(15, 5));
        var runs = new List<Run>();
        LatencyVsDepth.Level shallowLevel, deepLevel;
        // A rig for each depth: one emulator per minute or so (see BenchRig).
        await using (var rig = await BenchRig.StartAsync([Queue], TimeSpan.FromMinutes(10)))
        {
            await WarmUp.RunAsync(rig, Queue);
            await DirectPrefill.StoreAsync(rig, Queue, LatencyVsDepth.FillFor(options, LatencyVsDepth.ShallowDepth));
            shallowLevel = await MeasureLevelAsync(rig, options, LatencyVsDepth.ShallowDepth);
            await RunAsync(rig, shallow, graders: 4, cycles: int.MaxValue, shallowLimit); // the level's leftovers: each run starts empty
            foreach (var graders in new[] { 1, 4 })
            {
                await rig.PrefillAsync(Queue, shallow);
                runs.Add(await RunAsync(rig, shallow, graders, shallow, shallowLimit));
            }
            foreach (var graders in new[] { 1, 4 })
            {
                await rig.PrefillAsync(Queue, shallow);
                runs.Add(await RunAsync(rig, shallow, graders, shallow, shallowLimit, BulkSize));
            }
        }
        await using (var rig = await BenchRig.StartAsync([Queue], TimeSpan.FromMinutes(10)))
        {
            await WarmUp.RunAsync(rig, Queue);
            await DirectPrefill.StoreAsync(rig, Queue, LatencyVsDepth.FillFor(options, deep));
            deepLevel = await MeasureLevelAsync(rig, options, deep);
            foreach (var graders in new[] { 1, 4 })
            {
                var run = await RunAsync(rig, deep, graders, deepCycles, deepLimit);
                runs.Add(run);
                if (graders == 1) await DirectPrefill.StoreAsync(rig, Queue, run.Graded.Cycles); // back to the full depth
            }
        }
        return new GradedCycles(runs, new LatencyVsDepth(shallowLevel, deepLevel));
    }

    /// <summary>The depth measurement, then its results delivered, so that they do not load the runs after it.</summary>
    static async Task<LatencyVsDepth.Level> MeasureLevelAsync(BenchRig rig, BenchOptions options, int depth)
    {
        var before = rig.Lms.Received.Count;
        var level = await LatencyVsDepth.MeasureAtAsync(rig, Queue, options, depth);
        await rig.WaitForCallbacksAsync(before + level.Graded.Cycles, TimeSpan.FromSeconds(60));
        return level;
    }

    static async Task<Run> RunAsync(BenchRig rig, int depth, int graders, int cycles, TimeSpan limit, int pullSize = 1)
    {
        var before = rig.Lms.Received.Count;
        var graded = await GradedRun.RunAsync(rig, Queue, graders, cycles, limit, pullSize);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var delivered = await rig.WaitForCallbacksAsync(before + graded.Cycles, TimeSpan.FromSeconds(60));
        return new Run(depth, graded, clock.Elapsed.TotalSeconds, delivered);
    }

    public string Headline()
    {
        var deep = Runs.Max(r => r.Depth);
        var shallow = Runs.Min(r => r.Depth);
        return $"cycles/s at depth {deep:N0}: {At(deep, 1).CyclesPerSecond:F0} (1 grader), {At(deep, 4).CyclesPerSecond:F0} (4 graders); " +
            $"at depth {shallow:N0} single pulls {At(shallow, 1).CyclesPerSecond:F0}/{At(shallow, 4).CyclesPerSecond:F0}, " +
            $"bulk of {BulkSize} {At(shallow, 1, BulkSize).CyclesPerSecond:F0}/{At(shallow, 4, BulkSize).CyclesPerSecond:F0}";
    }

    public JsonObject ToJson() => new()
    {
        ["what"] = $"graders pulling and answering at once (GET get_submission, form POST put_result; pullSize {BulkSize}: GET get_submissions?n={BulkSize}, one JSON POST put_results); depth 300 filled through submit, 5,000 through the submit logic without HTTP",
        ["runs"] = new JsonArray(Runs.Select(r => (JsonNode)r.ToJson()).ToArray()),
    };
}
