namespace XQueue.Bench;

/// <summary>The key numbers on one line, each phase's in turn; "n/a" for a phase that did not run or failed.</summary>
public static class Headline
{
    public static string Of(TimeSpan wall, params (string Phase, string? Part)[] parts) =>
        "XQueue.Bench: " + string.Join(" | ", parts.Select(p => p.Part ?? $"{p.Phase} n/a").Append($"wall {wall.TotalMinutes:F1} min"));
}
