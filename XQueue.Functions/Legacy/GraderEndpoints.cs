using XQueue.Functions.Auth;
using XQueue.Functions.Submissions;
using XQueue.Functions.Handouts;
using XQueue.Functions.Replies;

namespace XQueue.Functions.Legacy;

/// <summary>
/// The pull grader's side (reference §2.6, §2.7, §4): get_submission and put_result, and their bulk forms
/// get_submissions (up to 32 at once, one Storage Queue receive) and put_results (a JSON list), with an
/// optional <c>wait=</c> long-poll on both pulls.
/// </summary>
public static class GraderEndpoints
{
    public static Task<IResult> GetSubmission(HttpContext http, QueueCatalog catalog, QueueAccess access, GraderPulls pulls) =>
        PullAsync(http, catalog, access, pulls, "get_submission", bulk: false);

    public static Task<IResult> GetSubmissions(HttpContext http, QueueCatalog catalog, QueueAccess access, GraderPulls pulls) =>
        PullAsync(http, catalog, access, pulls, "get_submissions", bulk: true);

    static async Task<IResult> PullAsync(HttpContext http, QueueCatalog catalog, QueueAccess access, GraderPulls pulls, string endpoint, bool bulk)
    {
        var (parameters, error) = PullParameters.Read(http.Request.Query, endpoint, bulk);
        if (parameters is null) return LegacyReply.Error(error!);
        var queue = parameters.Queue;
        if (!catalog.Contains(queue)) return LegacyReply.Error($"Queue '{queue}' not found");
        if (!access.Allows(http.User, Right.Grade, queue)) return QueueEndpoints.NotAllowed(queue);

        IReadOnlyList<PulledSubmission> pulled;
        try
        {
            pulled = await pulls.PullAsync(queue, parameters.Count, Grader(http), parameters.Wait, http.RequestAborted);
        }
        catch (SubmissionUnreadableException)
        {
            return LegacyReply.Error($"Error fetching submission for {queue}. Please try again.");
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The grader hung up while waiting: nobody reads this answer.
            return Results.Empty;
        }
        // The same answer for an empty bulk pull, so a watcher-style loop backs off the same way.
        if (pulled.Count == 0) return LegacyReply.Error($"Queue '{queue}' is empty");
        return LegacyReply.Success(bulk ? PulledContent.List(pulled) : PulledContent.Of(pulled[0]));
    }

    public static async Task<IResult> PutResult(HttpContext http, ResultIntake results, QueueAccess access, ILoggerFactory logs)
    {
        if (!HttpMethods.IsPost(http.Request.Method)) return LegacyReply.Error("'put_result' must use HTTP POST");
        if (LegacyForm.IsOversized(http.Request)) return LegacyReply.Error("Incorrect reply format", StatusCodes.Status413PayloadTooLarge);

        var form = await LegacyForm.ReadAsync(http.Request);
        var header = form is null ? null : ReplyHeader.Parse(LegacyForm.Last(form["xqueue_header"]));
        var body = form is null ? null : LegacyForm.Last(form["xqueue_body"]);
        if (header is null || body is null || body.Length > LegacyLimits.BodyChars)
        {
            logs.CreateLogger(nameof(GraderEndpoints)).LogWarning("Invalid reply from grader {Grader}", http.User.Identity?.Name);
            return LegacyReply.Error("Incorrect reply format");
        }

        var (id, key) = header.Value;
        // Not cut short when the grader hangs up: xqueue-watcher gives up after 1 s and counts that as accepted.
        var outcome = await results.AcceptAsync(id, key, body, queue => access.Allows(http.User, Right.Grade, queue), CancellationToken.None);
        return outcome switch
        {
            ResultOutcome.Accepted => LegacyReply.Success(""),
            ResultOutcome.NotAllowed => LegacyReply.Error(NotAllowedOnQueue, StatusCodes.Status403Forbidden),
            _ => LegacyReply.Error(ErrorOf(outcome)),
        };
    }

    public const string NotAllowedOnQueue = "Not allowed on the submission's queue";

    /// <summary>put_result's error text for an outcome that is not "accepted" (also each item's in put_results).</summary>
    public static string ErrorOf(ResultOutcome outcome) => outcome switch
    {
        ResultOutcome.NoSuchSubmission => "Submission does not exist",
        ResultOutcome.NotAllowed => NotAllowedOnQueue,
        _ => "Incorrect key for submission",
    };

    /// <summary>The pulling grader as the original records it: its user, and X-Real-IP or the connection's address.</summary>
    public static Grader Grader(HttpContext http) =>
        new(http.User.Identity?.Name, LegacyForm.Last(http.Request.Headers["X-Real-IP"]) ?? http.Connection.RemoteIpAddress?.ToString());
}
