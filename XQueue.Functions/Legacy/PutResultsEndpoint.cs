using System.Text.Json;
using XQueue.Functions.Auth;
using XQueue.Functions.Replies;

namespace XQueue.Functions.Legacy;

/// <summary>
/// put_results: up to 32 results in one POST, a JSON list of <c>{"xqueue_header", "xqueue_body"}</c> (the header
/// as the JSON string get_submissions handed out, or as an object). Each item goes through <see cref="ResultIntake"/>
/// like a put_result and gets put_result's answer, in order, inside the reply's content.
/// </summary>
public static class PutResultsEndpoint
{
    public const int MaxItems = 32;

    // Items recorded at once: each costs a few storage writes, and a grader's batch should not crowd out the rest.
    const int Concurrency = 8;

    const string IncorrectFormat = "Incorrect reply format";

    public static async Task<IResult> PutResults(HttpContext http, ResultIntake results, QueueAccess access, ILoggerFactory logs)
    {
        if (!HttpMethods.IsPost(http.Request.Method)) return LegacyReply.Error("'put_results' must use HTTP POST");
        if (LegacyForm.IsOversized(http.Request)) return LegacyReply.Error(IncorrectFormat, StatusCodes.Status413PayloadTooLarge);

        var items = await ReadItemsAsync(http.Request);
        if (items is null)
        {
            logs.CreateLogger(nameof(PutResultsEndpoint)).LogWarning("Invalid bulk reply from grader {Grader}", http.User.Identity?.Name);
            return LegacyReply.Error(IncorrectFormat);
        }

        var answers = new string[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count),
            // Not cut short when the grader hangs up: each result is graded work (see PutResult).
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency },
            async (i, cancellationToken) =>
            {
                if (items[i] is not { } item)
                {
                    answers[i] = LegacyReply.Body(1, IncorrectFormat);
                    return;
                }
                var outcome = await results.AcceptAsync(item.Id, item.Key, item.Body, queue => access.Allows(http.User, Right.Grade, queue), cancellationToken);
                answers[i] = outcome == ResultOutcome.Accepted ? LegacyReply.Body(0, "") : LegacyReply.Body(1, GraderEndpoints.ErrorOf(outcome));
            });
        return LegacyReply.Success(PythonJson.List(answers));
    }

    /// <returns>One entry per item (null for an item that is not a valid reply); null when the request as a whole is not a list of replies.</returns>
    /// <remarks>A body past the request limit without a declared length (chunked) is stopped by Kestrel's own limit.</remarks>
    static async Task<IReadOnlyList<(long Id, string Key, string Body)?>?> ReadItemsAsync(HttpRequest request)
    {
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() > MaxItems) return null;
            return root.EnumerateArray().Select(ReadItem).ToList();
        }
        catch (Exception e) when (e is JsonException or BadHttpRequestException or IOException)
        {
            return null;
        }
    }

    static (long Id, string Key, string Body)? ReadItem(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("xqueue_header", out var headerValue)
            || !item.TryGetProperty("xqueue_body", out var bodyValue) || bodyValue.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        var header = headerValue.ValueKind == JsonValueKind.String ? ReplyHeader.Parse(headerValue.GetString()) : ReplyHeader.Parse(headerValue);
        var body = bodyValue.GetString()!;
        return header is { } h && body.Length <= LegacyLimits.BodyChars ? (h.Id, h.Key, body) : null;
    }
}
