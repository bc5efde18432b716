namespace XQueue.Bench;

/// <summary>The key numbers on one line, each phase's in turn; "n/a" for a phase that did not run or failed.</summary>
public static class Headline
{
    /// <param name="setup">How the service ran when it was not the default (one instance, no added latency).</param>
    public static string Of(TimeSpan wall, string? setup, params (string Phase, string? Part)[] parts) =>
        $"XQueue.Bench{(setup is null ? "" : $" ({setup})")}: " +
        string.Join(" | ", parts.Select(p => p.Part ?? $"{p.Phase} n/a").Append($"wall {wall.TotalMinutes:F1} min"));
}
