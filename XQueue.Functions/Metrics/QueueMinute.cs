namespace XQueue.Functions.Metrics;

/// <summary>
/// One queue's minute as the dashboard's charts draw it. The gauges (waiting, in flight, oldest waiting) are what the
/// history's record read during that minute, null when none ran in it; graded and the grading time percentiles (pull
/// to result) are what finished in it, the percentiles null when nothing did.
/// </summary>
public sealed record QueueMinute(
    DateTimeOffset At, int? Waiting, int? InFlight, double? OldestWaitingSeconds, int Graded, double? GradingP50, double? GradingP95);
