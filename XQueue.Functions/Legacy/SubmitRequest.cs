using System.Text.Json;
using XQueue.Functions.Submissions;
using XQueue.Functions.Intake;

namespace XQueue.Functions.Legacy;

/// <summary>Validation of the LMS's submit form (reference §2.4, §3, §14), with a reason for the log.</summary>
public static class SubmitRequest
{
    public static async Task<(NewSubmission? Submission, string? Problem)> ParseAsync(IFormCollection form, string? submitter)
    {
        var header = LegacyForm.Last(form["xqueue_header"]);
        var body = LegacyForm.Last(form["xqueue_body"]);
        if (header is null || body is null) return (null, "missing xqueue_header or xqueue_body");
        if (header.Length > LegacyLimits.HeaderChars) return (null, $"header longer than {LegacyLimits.HeaderChars} characters");
        if (body.Length > LegacyLimits.BodyChars) return (null, $"body longer than {LegacyLimits.BodyChars} characters");

        var (callbackUrl, queue, problem) = ParseHeader(header);
        if (problem is not null) return (null, problem);

        if (form.Files.Count > LegacyLimits.Files) return (null, $"more than {LegacyLimits.Files} files");
        var files = new List<SubmittedFile>(form.Files.Count);
        foreach (var file in form.Files)
        {
            if (!IsSafeFileName(file.Name)) return (null, "a file field name is empty, too long, or contains a path");
            if (files.Any(f => f.Name == file.Name)) return (null, "two files with the same field name");
            if (file.Length > LegacyLimits.FileBytes) return (null, $"a file larger than {LegacyLimits.FileBytes} bytes");
            await using var stream = file.OpenReadStream();
            files.Add(new SubmittedFile(file.Name, await BinaryData.FromStreamAsync(stream), file.ContentType));
        }
        return (new NewSubmission(queue!, header, callbackUrl!, body, files, submitter), null);
    }

    static (string? CallbackUrl, string? Queue, string? Problem) ParseHeader(string header)
    {
        try
        {
            using var json = JsonDocument.Parse(header);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, null, "header is not a JSON object");
            if (!root.TryGetProperty("lms_callback_url", out var url) || !root.TryGetProperty("lms_key", out _) ||
                !root.TryGetProperty("queue_name", out var queue))
            {
                return (null, null, "header lacks lms_callback_url, lms_key or queue_name");
            }
            // The original accepted any value here and then failed at every put_result; refuse it up front.
            if (url.ValueKind != JsonValueKind.String || !IsHttpUrl(url.GetString()!)) return (null, null, "lms_callback_url is not an absolute http(s) URL");
            return (url.GetString(), PythonValues.Str(queue), null);
        }
        catch (JsonException)
        {
            return (null, null, "header is not JSON");
        }
    }

    static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0;

    // The name reaches graders as a key of xqueue_files and may become a file name on their side.
    static bool IsSafeFileName(string name) =>
        name.Length is > 0 and <= LegacyLimits.FileNameChars && name is not "." and not ".." &&
        !name.Any(c => c is '/' or '\\' || char.IsControl(c));
}
