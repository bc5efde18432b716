using System.Text.Json;

namespace XQueue.Functions.Submissions;

/// <summary>
/// What an operator searches by, read from what the LMS sent: course and problem from the callback URL
/// (<c>…/courses/{course_id}/xqueue/{user_id}/{usage_id}/score_update</c>), the learner's anonymous id
/// and the grader file from the body when it is the LMS's JSON. Anything else yields nulls, never an error.
/// </summary>
public sealed record SubmissionFacts(string? Course, string? Problem, string? Learner, string? GraderFile)
{
    public static SubmissionFacts Of(string callbackUrl, string? body)
    {
        var (course, problem) = FromCallbackUrl(callbackUrl);
        var (learner, graderFile) = FromBody(body);
        return new SubmissionFacts(course, problem, learner, graderFile);
    }

    static (string?, string?) FromCallbackUrl(string callbackUrl)
    {
        if (!Uri.TryCreate(callbackUrl, UriKind.Absolute, out var url)) return (null, null);
        var parts = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var courses = Array.IndexOf(parts, "courses");
        if (courses < 0 || courses + 1 >= parts.Length) return (null, null);
        var xqueue = Array.IndexOf(parts, "xqueue", courses + 1);
        var problem = xqueue > 0 && xqueue + 2 < parts.Length ? parts[xqueue + 2] : null;
        return (parts[courses + 1], problem);
    }

    static (string?, string?) FromBody(string? body)
    {
        if (string.IsNullOrEmpty(body) || body[0] != '{') return (null, null);
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, null);
            var learner = NestedString(root, "student_info", "anonymous_student_id");
            var grader = NestedString(root, "grader_payload", "grader");
            return (learner, grader);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    // The LMS nests JSON in JSON strings (student_info, grader_payload); either form is accepted.
    static string? NestedString(JsonElement root, string outer, string inner)
    {
        if (!root.TryGetProperty(outer, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString();
            if (string.IsNullOrEmpty(text) || text[0] != '{') return null;
            try
            {
                using var nested = JsonDocument.Parse(text);
                return Text(nested.RootElement, inner);
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return value.ValueKind == JsonValueKind.Object ? Text(value, inner) : null;
    }

    static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;
}
