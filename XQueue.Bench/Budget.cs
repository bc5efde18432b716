using System.Diagnostics;

namespace XQueue.Bench;

/// <summary>
/// The whole run's time budget, counted from the start of the process. A clean clone adds the build (about
/// half a minute) before that, and the default run must stay under 10 minutes in all; the one phase whose
/// length is a choice (the exam wave's bound) gives way when the others ran long on a busy machine.
/// </summary>
public sealed class Budget(TimeSpan total)
{
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(9);

    readonly Stopwatch clock = Stopwatch.StartNew();

    public TimeSpan Total => total;
    public TimeSpan Elapsed => clock.Elapsed;
    public TimeSpan Remaining => total - clock.Elapsed;

    /// <summary><paramref name="wanted"/>, or what is left after keeping <paramref name="reserve"/> for the rest (at least 10 s).</summary>
    public TimeSpan Allow(TimeSpan wanted, TimeSpan reserve)
    {
        var left = Remaining - reserve;
        return left >= wanted ? wanted : left > TimeSpan.FromSeconds(10) ? left : TimeSpan.FromSeconds(10);
    }
}
