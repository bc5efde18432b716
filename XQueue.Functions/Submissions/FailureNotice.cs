namespace XQueue.Functions.Submissions;

/// <summary>The reply the original posts to the LMS for a submission that could not be graded (reference §5.4).</summary>
public static class FailureNotice
{
    public const string Body =
        "{\"correct\": null, \"score\": 0, \"msg\": \"<div class=\\\"capa_alert\\\">Your submission could not be graded. " +
        "Please recheck your submission and try again. If the problem persists, please notify the course staff.</div>\"}";
}
