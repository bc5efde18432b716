using System.Text.Json;

namespace XQueue.Functions.Legacy;

/// <summary>
/// The <c>xqueue_header</c> a grader sends back (put_result, put_results, extend_lease): an object with
/// <c>submission_id</c> and <c>submission_key</c>, read the way the original's Python reads it.
/// </summary>
public static class ReplyHeader
{
    /// <summary>A header as JSON text (the form field, or a string item of put_results); null when it is not one.</summary>
    public static (long Id, string Key)? Parse(string? header)
    {
        if (header is null || header.Length > LegacyLimits.HeaderChars) return null;
        try
        {
            using var json = JsonDocument.Parse(header);
            return Parse(json.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static (long Id, string Key)? Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object ||
            !root.TryGetProperty("submission_id", out var idValue) || !root.TryGetProperty("submission_key", out var keyValue))
        {
            return null;
        }
        // The original runs int() on the id (a 500 when it raises); here that is a format error.
        return PythonValues.Int(idValue) is { } id ? (id, PythonValues.Str(keyValue)) : null;
    }
}
