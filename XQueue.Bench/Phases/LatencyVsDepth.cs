using System.Diagnostics;
using System.Text.Json.Nodes;
using XQueue.Bench.Rig;

namespace XQueue.Bench.Phases;

/// <summary>
/// Part of phase 2 (<see cref="GradedCycles"/>), in its two rigs, each just after it is filled: does a pull cost
/// more when the queue is deep? One grader grades 100 submissions around depth 100 (150 → 50), then around
/// depth 5,000 (5,050 → 4,950): p50 of get_submission and of a whole cycle, and the ratio deep ÷ shallow
/// (target &lt; 1.5). The queue is filled through the submit logic without HTTP (<see cref="DirectPrefill"/>), so
/// beyond the window the rest waits in the backlog. Beside it, the same storage calls made bare on the same
/// queue (<see cref="StorageCycle"/>, 20 at each depth): what of a difference is the emulator's (its queue calls
/// cost more with every message it holds) shows there.
/// </summary>
public sealed record LatencyVsDepth(LatencyVsDepth.Level Shallow, LatencyVsDepth.Level Deep)
{
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

    public const int ShallowDepth = 100;

    /// <summary>How many submissions to add to an empty queue before <see cref="MeasureAtAsync"/> at <paramref name="depth"/>.</summary>
    public static int FillFor(BenchOptions options, int depth) => depth + Cycles(options) / 2 + BareCycles;

    static int Cycles(BenchOptions options) => options.Size(100, 60);

    /// <summary>Bare cycles then graded ones, from <see cref="FillFor"/> down to about <paramref name="depth"/> − 50.</summary>
    public static Task<Level> MeasureAtAsync(BenchRig rig, string queue, BenchOptions options, int depth) =>
        MeasureAtAsync(rig, new StorageCycle(rig, queue), queue, depth, Cycles(options));

    static async Task<Level> MeasureAtAsync(BenchRig rig, StorageCycle bare, string queue, int depth, int cycles)
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
        var graded = await GradedRun.RunAsync(rig, queue, graders: 1, cycles, TimeSpan.FromSeconds(60));
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
