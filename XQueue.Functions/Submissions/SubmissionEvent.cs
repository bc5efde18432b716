namespace XQueue.Functions.Submissions;

/// <summary>
/// One step in a submission's life that its own fields do not keep (each pull, each delivery attempt, each
/// operator action). Appended in the same conditional write that makes the step, so the timeline costs
/// no storage call of its own.
/// </summary>
public sealed record SubmissionEvent(DateTimeOffset At, string Kind, string? Actor = null, string? Detail = null)
{
    public const string Pulled = "pulled";
    public const string Delivery = "delivery";
    public const string Operator = "operator";

    /// <summary>The newest events are kept: a submission pulled or redelivered without end must not outgrow its entity.</summary>
    public const int Kept = 40;

    public static IReadOnlyList<SubmissionEvent> Append(IReadOnlyList<SubmissionEvent> history, SubmissionEvent next) =>
        history.Count < Kept ? [.. history, next] : [.. history.Skip(history.Count - Kept + 1), next];
}
