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
/// Every depth-300 run is also a whole life in storage (<see cref="StorageCost"/>): from its first submit to its last
/// delivery, every call the service made per graded submission, and per request its calls and sequential calls.
/// With several instances (<see cref="Topology"/>), the single-pull runs at depth 300 are repeated on one instance
/// in a rig of their own, so one run shows what the instances cost (<see cref="InstanceScaling"/>).
/// </summary>
public sealed record GradedCycles(IReadOnlyList<GradedCycles.Run> Runs, LatencyVsDepth Depth, int Instances)
{
    const string Queue = "bench-cycles";
    public const int BulkSize = 16;

    public sealed record Run(int Depth, int Instances, GradedRun Graded, double DeliveredAfterSeconds, bool AllDelivered, StorageCost? Storage)
    {
        public JsonObject ToJson()
        {
            var json = Graded.ToJson();
            json["depth"] = Depth;
            json["instances"] = Instances;
            json["lastCallbackAfterLastPutSeconds"] = Math.Round(DeliveredAfterSeconds, 2);
            json["allDelivered"] = AllDelivered;
            if (Storage is not null) json["storage"] = Storage.ToJson();
            return json;
        }
    }

    /// <summary>The run of this many graders and pull size at this depth, on as many instances as the bench was asked for (or <paramref name="instances"/>).</summary>
    public Run Of(int depth, int graders, int pullSize = 1, int? instances = null) =>
        Runs.Single(r => r.Depth == depth && r.Graded.Graders == graders && r.Graded.PullSize == pullSize && r.Instances == (instances ?? Instances));

    public GradedRun At(int depth, int graders, int pullSize = 1) => Of(depth, graders, pullSize).Graded;

    public static async Task<GradedCycles> MeasureAsync(BenchOptions options)
    {
        var (shallow, deep, deepCycles) = (options.Size(300, 100), options.Size(5000, 600), options.Size(500, 100));
        var (shallowLimit, deepLimit) = (options.Seconds(60, 20), options.Seconds(15, 5));
        var topology = options.Topology;
        var runs = new List<Run>();
        using var meters = new StorageMeters();
        LatencyVsDepth.Level shallowLevel, deepLevel;
        // A rig for each depth: one emulator per minute or so (see BenchRig).
        await using (var rig = await BenchRig.StartAsync(topology, [Queue], TimeSpan.FromMinutes(10)))
        {
            await WarmUp.RunAsync(rig, Queue);
            await DirectPrefill.StoreAsync(rig, Queue, LatencyVsDepth.FillFor(options, LatencyVsDepth.ShallowDepth));
            shallowLevel = await MeasureLevelAsync(rig, options, LatencyVsDepth.ShallowDepth);
            await RunAsync(rig, topology, shallow, graders: 4, cycles: int.MaxValue, shallowLimit); // the level's leftovers: each run starts empty
            foreach (var pullSize in new[] { 1, BulkSize })
            {
                foreach (var graders in new[] { 1, 4 }) runs.Add(await FilledRunAsync(rig, topology, meters, shallow, graders, shallowLimit, pullSize));
            }
        }
        if (topology.Instances > 1)
        {
            await using var rig = await BenchRig.StartAsync(topology.OneInstance, [Queue], TimeSpan.FromMinutes(10));
            await WarmUp.RunAsync(rig, Queue);
            foreach (var graders in new[] { 1, 4 }) runs.Add(await FilledRunAsync(rig, topology.OneInstance, meters, shallow, graders, shallowLimit));
        }
        await using (var rig = await BenchRig.StartAsync(topology, [Queue], TimeSpan.FromMinutes(10)))
        {
            await WarmUp.RunAsync(rig, Queue);
            await DirectPrefill.StoreAsync(rig, Queue, LatencyVsDepth.FillFor(options, deep));
            deepLevel = await MeasureLevelAsync(rig, options, deep);
            foreach (var graders in new[] { 1, 4 })
            {
                var run = await RunAsync(rig, topology, deep, graders, deepCycles, deepLimit);
                runs.Add(run);
                if (graders == 1) await DirectPrefill.StoreAsync(rig, Queue, run.Graded.Cycles); // back to the full depth
            }
        }
        return new GradedCycles(runs, new LatencyVsDepth(shallowLevel, deepLevel), topology.Instances);
    }

    /// <summary>The depth measurement, then its results delivered, so that they do not load the runs after it.</summary>
    static async Task<LatencyVsDepth.Level> MeasureLevelAsync(BenchRig rig, BenchOptions options, int depth)
    {
        var before = rig.Lms.Received.Count;
        var level = await LatencyVsDepth.MeasureAtAsync(rig, Queue, options, depth);
        await rig.WaitForCallbacksAsync(before + level.Graded.Cycles, TimeSpan.FromSeconds(60));
        return level;
    }

    /// <summary>Submits <paramref name="depth"/> through the API, drains them: the storage calls of the whole life, delivery included.</summary>
    static async Task<Run> FilledRunAsync(BenchRig rig, Topology topology, StorageMeters meters, int depth, int graders, TimeSpan limit, int pullSize = 1)
    {
        var mark = meters.Start();
        await rig.PrefillAsync(Queue, depth);
        var run = await RunAsync(rig, topology, depth, graders, depth, limit, pullSize);
        await Task.Delay(200); // the last delivery's bookkeeping after its POST
        return run with { Storage = meters.Since(mark, run.Graded.Cycles, "graded submission") };
    }

    static async Task<Run> RunAsync(BenchRig rig, Topology topology, int depth, int graders, int cycles, TimeSpan limit, int pullSize = 1)
    {
        var before = rig.Lms.Received.Count;
        var graded = await GradedRun.RunAsync(rig, Queue, graders, cycles, limit, pullSize);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var delivered = await rig.WaitForCallbacksAsync(before + graded.Cycles, TimeSpan.FromSeconds(60));
        return new Run(depth, topology.Instances, graded, clock.Elapsed.TotalSeconds, delivered, null);
    }

    /// <summary>Several instances against one, at depth 300, single pulls; null with one instance.</summary>
    public InstanceScaling? Scaling()
    {
        if (Instances == 1) return null;
        var shallow = Runs.Min(r => r.Depth);
        return new InstanceScaling(Instances, shallow,
            [.. new[] { 1, 4 }.Select(graders => (graders, Of(shallow, graders).Graded, Of(shallow, graders, instances: 1).Graded))]);
    }

    public string Headline()
    {
        var deep = Runs.Max(r => r.Depth);
        var shallow = Runs.Min(r => r.Depth);
        var on = Instances > 1 ? $" ({Instances} instances)" : "";
        return $"cycles/s at depth {deep:N0}: {At(deep, 1).CyclesPerSecond:F0} (1 grader), {At(deep, 4).CyclesPerSecond:F0} (4 graders); " +
            $"at depth {shallow:N0} single pulls {At(shallow, 1).CyclesPerSecond:F0}/{At(shallow, 4).CyclesPerSecond:F0}, " +
            $"bulk of {BulkSize} {At(shallow, 1, BulkSize).CyclesPerSecond:F0}/{At(shallow, 4, BulkSize).CyclesPerSecond:F0}{on}";
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["what"] = $"graders pulling and answering at once (GET get_submission, form POST put_result; pullSize {BulkSize}: GET get_submissions?n={BulkSize}, one JSON POST put_results); depth 300 filled through submit, 5,000 through the submit logic without HTTP",
            ["runs"] = new JsonArray(Runs.Select(r => (JsonNode)r.ToJson()).ToArray()),
        };
        if (Scaling() is { } scaling) json["vsOneInstance"] = scaling.ToJson();
        return json;
    }
}
