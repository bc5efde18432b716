using XQueue.Functions.Handouts;

namespace XQueue.Functions.Legacy;

/// <summary>
/// What a pull puts in its reply's content: get_submission the object for one submission, get_submissions a
/// list of exactly those objects — JSON strings inside JSON, as the original nests them (reference §4.1).
/// </summary>
public static class PulledContent
{
    public static string Of(PulledSubmission pulled)
    {
        var header = PythonJson.Dumps(("submission_id", pulled.Id), ("submission_key", pulled.Key));
        return PythonJson.Dumps(("xqueue_header", header), ("xqueue_body", pulled.Body), ("xqueue_files", Files(pulled)));
    }

    /// <summary>The files as the original hands them to graders, pulled or pushed: a JSON object of name → URL, as a string.</summary>
    public static string Files(PulledSubmission pulled) =>
        PythonJson.Dumps(pulled.FileUrls.Select(f => KeyValuePair.Create(f.Key, (object?)f.Value.AbsoluteUri)));

    public static string List(IEnumerable<PulledSubmission> pulled) => PythonJson.List(pulled.Select(Of));
}
