using System.Text.Json.Nodes;
using XQueue.Bench.Phases;

namespace XQueue.Bench;

/// <summary>The service's graded cycles/s as a fraction of the raw storage floor, same depth, as many graders as workers.</summary>
public sealed record Comparison(int Depth, double OneGrader, double FourGraders)
{
    public static Comparison? FloorFraction(GradedCycles? cycles, RawFloor? floor)
    {
        if (cycles is null || floor is null) return null;
        var depth = cycles.Runs.Min(r => r.Depth);
        return new Comparison(depth,
            RawFloor.Fraction(cycles.At(depth, 1), floor.With(1)),
            RawFloor.Fraction(cycles.At(depth, 4), floor.With(4)));
    }

    public string Headline() => $"service/floor {100 * FourGraders:F0} % (4 graders)";

    public JsonObject ToJson() => new()
    {
        ["what"] = $"service graded cycles/s (phase cycles) / floor cycles/s (phase floor), depth {Depth}; target >= 50 %",
        ["oneGraderPercent"] = Math.Round(100 * OneGrader, 1),
        ["fourGradersPercent"] = Math.Round(100 * FourGraders, 1),
    };
}
