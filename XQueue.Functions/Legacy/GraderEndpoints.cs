using System.Text.Json;
using XQueue.Functions.Auth;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Legacy;

/// <summary>get_submission and put_result, the pull grader's side (reference §2.6, §2.7, §4).</summary>
public static class GraderEndpoints
{
    public static async Task<IResult> GetSubmission(HttpContext http, QueueCatalog catalog, QueueAccess access, GraderPulls pulls)
    {
        var queue = LegacyForm.Last(http.Request.Query["queue_name"]);
        if (queue is null) return LegacyReply.Error("'get_submission' must provide parameter 'queue_name'");
        if (!catalog.Contains(queue)) return LegacyReply.Error($"Queue '{queue}' not found");
        if (!access.Allows(http.User, Right.Grade, queue)) return QueueEndpoints.NotAllowed(queue);

        var address = LegacyForm.Last(http.Request.Headers["X-Real-IP"]) ?? http.Connection.RemoteIpAddress?.ToString();
        PulledSubmission? pulled;
        try
        {
            pulled = await pulls.PullAsync(queue, http.User.Identity?.Name, address, http.RequestAborted);
        }
        catch (SubmissionUnreadableException)
        {
            return LegacyReply.Error($"Error fetching submission for {queue}. Please try again.");
        }
        if (pulled is null) return LegacyReply.Error($"Queue '{queue}' is empty");

        // JSON strings inside JSON, exactly as the original nests them (reference §4.1).
        var header = PythonJson.Dumps(("submission_id", pulled.Id), ("submission_key", pulled.Key));
        var files = PythonJson.Dumps(pulled.FileUrls.Select(f => KeyValuePair.Create(f.Key, (object?)f.Value.AbsoluteUri)));
        var content = PythonJson.Dumps(("xqueue_header", header), ("xqueue_body", pulled.Body), ("xqueue_files", files));
        return LegacyReply.Success(content);
    }

    public static async Task<IResult> PutResult(HttpContext http, ResultIntake results, QueueAccess access, ILoggerFactory logs)
    {
        if (!HttpMethods.IsPost(http.Request.Method)) return LegacyReply.Error("'put_result' must use HTTP POST");
        if (LegacyForm.IsOversized(http.Request)) return LegacyReply.Error("Incorrect reply format", StatusCodes.Status413PayloadTooLarge);

        var form = await LegacyForm.ReadAsync(http.Request);
        var reply = form is null ? null : ParseReply(form);
        if (reply is null)
        {
            logs.CreateLogger(nameof(GraderEndpoints)).LogWarning("Invalid reply from grader {Grader}", http.User.Identity?.Name);
            return LegacyReply.Error("Incorrect reply format");
        }

        var (id, key, body) = reply.Value;
        var outcome = await results.AcceptAsync(id, key, body, queue => access.Allows(http.User, Right.Grade, queue), http.RequestAborted);
        return outcome switch
        {
            ResultOutcome.Accepted => LegacyReply.Success(""),
            ResultOutcome.NoSuchSubmission => LegacyReply.Error("Submission does not exist"),
            ResultOutcome.NotAllowed => LegacyReply.Error("Not allowed on the submission's queue", StatusCodes.Status403Forbidden),
            _ => LegacyReply.Error("Incorrect key for submission"),
        };
    }

    static (long Id, string Key, string Body)? ParseReply(IFormCollection form)
    {
        var header = LegacyForm.Last(form["xqueue_header"]);
        var body = LegacyForm.Last(form["xqueue_body"]);
        if (header is null || body is null || header.Length > LegacyLimits.HeaderChars || body.Length > LegacyLimits.BodyChars) return null;
        try
        {
            using var json = JsonDocument.Parse(header);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("submission_id", out var idValue) || !root.TryGetProperty("submission_key", out var keyValue))
            {
                return null;
            }
            // The original runs int() on the id (a 500 when it raises); here that is a format error.
            return PythonValues.Int(idValue) is { } id ? (id, PythonValues.Str(keyValue), body) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
