using System.Text.Json.Nodes;
using XQueue.Bench.Rig;

namespace XQueue.Bench.Phases;

/// <summary>
/// Part of phase 2 (<see cref="GradedCycles"/>) with <c>--instances N</c>: the same runs (depth 300, single pulls, 1 and
/// 4 graders) on N instances with every request sent to the next one, and on one instance alone. What spreading a
/// grader's requests over instances costs: cycles/s as a ratio, put_result's p50 as a difference (a put_result
/// always reaches another instance than its pull did).
/// </summary>
public sealed record InstanceScaling(int Instances, int Depth, IReadOnlyList<(int Graders, GradedRun Many, GradedRun One)> Pairs)
{
    public static double CyclesRatio(GradedRun many, GradedRun one) => many.CyclesPerSecond / one.CyclesPerSecond;

    public static double PutResultP50Difference(GradedRun many, GradedRun one) => many.PutResult.P50 - one.PutResult.P50;

    public string Headline() =>
        $"{Instances} instances / 1 at depth {Depth}: cycles/s " +
        string.Join(", ", Pairs.Select(p => $"{CyclesRatio(p.Many, p.One):F2} ({Graders(p.Graders)})")) +
        "; put_result p50 " + string.Join(", ", Pairs.Select(p => $"{PutResultP50Difference(p.Many, p.One):+0.0;-0.0} ms ({Graders(p.Graders)})")) + " against 1";

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["what"] = $"depth {Depth}, single pulls: {Instances} instances with requests in rotation / one instance (a rig of its own, the same storage latency); put_result p50 as a difference in ms",
            ["instances"] = Instances,
        };
        foreach (var (graders, many, one) in Pairs)
        {
            json[graders == 1 ? "oneGrader" : graders == 4 ? "fourGraders" : $"graders{graders}"] = new JsonObject
            {
                ["cyclesPerSecondRatio"] = Math.Round(CyclesRatio(many, one), 3),
                ["putResultP50DifferenceMs"] = Math.Round(PutResultP50Difference(many, one), 2),
                ["getSubmissionP50DifferenceMs"] = Math.Round(many.GetSubmission.P50 - one.GetSubmission.P50, 2),
            };
        }
        return json;
    }

    static string Graders(int graders) => graders == 1 ? "1 grader" : $"{graders} graders";
}
