using System.Diagnostics;
using System.Text.Json.Nodes;
using XQueue.Bench.Rig;

namespace XQueue.Bench.Phases;

/// <summary>
/// Phase 4. Does a pull cost more when the queue is deep? One grader grades 100 submissions around depth 100
/// (150 → 50), then around depth 5,000 (5,050 → 4,950): p50 of get_submission and of a whole cycle, and the
/// ratio deep ÷ shallow (target &lt; 1.5). The queue is filled through the submit logic without HTTP
/// (<see cref="DirectPrefill"/>), so beyond the window the rest waits in the backlog. Beside it, the same storage
/// calls made bare on the same queue (<see cref="StorageCycle"/>, 20 at each depth): what of a difference is
/// the emulator's (its queue calls cost more with every message it holds) shows there.
/// </summary>
public sealed record LatencyVsDepth(LatencyVsDepth.Level Shallow, LatencyVsDepth.Level Deep)
{
    const string Queue = "bench-depth";
    const int BareCycles = 20;

    public sealed record Level(int Depth, GradedRun Graded, LatencySample BarePull, LatencySample BareGraderPath)
    {
        public JsonObject ToJson() => new()
        {
            ["depth"] = Depth,
            ["cycles"] = Graded.Cycles,
            ["getSubmissionMs"] = Graded.GetSubmission.ToJson(),
            ["putResultMs"] = Graded.PutResult.ToJson(),
            ["cycleMs"] = Graded.Cycle.ToJson(),
            ["bareStorage"] = new JsonObject
            {
                ["getSubmissionCallsMs"] = BarePull.ToJson(),
                ["getSubmissionAndPutResultCallsMs"] = BareGraderPath.ToJson(),
            },
        };
    }

    public static async Task<LatencyVsDepth> MeasureAsync(BenchOptions options)
    {
        var (shallow, deep, cycles) = (100, options.Size(5000, 1000), options.Size(100, 60));
        await using var rig = await BenchRig.StartAsync([Queue], TimeSpan.FromMinutes(10));
        await WarmUp.RunAsync(rig, Queue);
        var bare = new StorageCycle(rig, Queue);

        await DirectPrefill.StoreAsync(rig, Queue, shallow + cycles / 2 + BareCycles);
        var first = await MeasureAtAsync(rig, bare, shallow, cycles);
        await DirectPrefill.StoreAsync(rig, Queue, deep - shallow + cycles + BareCycles);
        var second = await MeasureAtAsync(rig, bare, deep, cycles);
        return new LatencyVsDepth(first, second);
    }

    static async Task<Level> MeasureAtAsync(BenchRig rig, StorageCycle bare, int depth, int cycles)
    {
        LatencySample pull = new(), graderPath = new();
        for (var i = 0; i < BareCycles; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var held = await bare.PullAsync() ?? throw new BenchFailure("the queue ran dry");
            pull.AddSince(start);
            var answered = await bare.AnswerAsync(held);
            graderPath.AddSince(start);
            await bare.DeliverAsync(answered);
        }
        var graded = await GradedRun.RunAsync(rig, Queue, graders: 1, cycles, TimeSpan.FromSeconds(60));
        return new Level(depth, graded, pull, graderPath);
    }

    public double GetSubmissionRatio => Deep.Graded.GetSubmission.P50 / Shallow.Graded.GetSubmission.P50;
    public double CycleRatio => Deep.Graded.Cycle.P50 / Shallow.Graded.Cycle.P50;

    public string Headline() =>
        $"p50 get_submission depth {Deep.Depth:N0}/{Shallow.Depth} {GetSubmissionRatio:F2} (bare storage calls {Deep.BarePull.P50 / Shallow.BarePull.P50:F2})";

    public JsonObject ToJson() => new()
    {
        ["what"] = "1 grader, p50 around depth 100 vs around depth 5,000 (filled through the submit logic without HTTP); bare storage calls beside",
        ["shallow"] = Shallow.ToJson(),
        ["deep"] = Deep.ToJson(),
        ["getSubmissionP50Ratio"] = Math.Round(GetSubmissionRatio, 2),
        ["cycleP50Ratio"] = Math.Round(CycleRatio, 2),
        ["bareGetSubmissionCallsP50Ratio"] = Math.Round(Deep.BarePull.P50 / Shallow.BarePull.P50, 2),
        ["bareGetSubmissionAndPutResultCallsP50Ratio"] = Math.Round(Deep.BareGraderPath.P50 / Shallow.BareGraderPath.P50, 2),
    };
}
