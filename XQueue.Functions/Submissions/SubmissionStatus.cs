namespace XQueue.Functions.Submissions;

/// <summary>The states of edx-submissions' ExternalGraderDetail, with the same wire names.</summary>
public enum SubmissionStatus
{
    Pending,
    Pulled,
    Retired,
    Failed,
}

public static class SubmissionStatusNames
{
    public static string ToWire(this SubmissionStatus status) => status switch
    {
        SubmissionStatus.Pending => "pending",
        SubmissionStatus.Pulled => "pulled",
        SubmissionStatus.Retired => "retired",
        SubmissionStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static SubmissionStatus Parse(string? wire) => wire switch
    {
        "pulled" => SubmissionStatus.Pulled,
        "retired" => SubmissionStatus.Retired,
        "failed" => SubmissionStatus.Failed,
        _ => SubmissionStatus.Pending,
    };

    /// <summary>Finished submissions are never handed to a grader again.</summary>
    public static bool IsFinished(this SubmissionStatus status) =>
        status is SubmissionStatus.Retired or SubmissionStatus.Failed;
}
