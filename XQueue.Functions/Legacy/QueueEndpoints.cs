using XQueue.Functions.Auth;
using XQueue.Functions.Submissions;
using XQueue.Functions.Intake;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Legacy;

/// <summary>submit (LMS side) and get_queuelen (reference §2.4, §2.5).</summary>
public static class QueueEndpoints
{
    public static async Task<IResult> Submit(
        HttpContext http, QueueCatalog catalog, SubmissionIntake intake, QueueAccess access, CallbackTargets callbacks, ILoggerFactory logs)
    {
        if (!HttpMethods.IsPost(http.Request.Method)) return LegacyReply.Error("Queue requests should use HTTP POST");
        if (LegacyForm.IsOversized(http.Request)) return LegacyReply.Error("Queue request has invalid format", StatusCodes.Status413PayloadTooLarge);

        var form = await LegacyForm.ReadAsync(http.Request);
        var (request, problem) = form is null
            ? (null, "body is not a readable form (malformed or over the size limit)")
            : await SubmitRequest.ParseAsync(form, http.User.Identity?.Name);
        if (request is null)
        {
            logs.CreateLogger(nameof(QueueEndpoints)).LogWarning("Submit refused: {Problem}", problem);
            return LegacyReply.Error("Queue request has invalid format");
        }
        if (!catalog.Contains(request.Queue)) return LegacyReply.Error($"Queue '{request.Queue}' not found");
        if (!access.Allows(http.User, Right.Submit, request.Queue)) return NotAllowed(request.Queue);
        if (await callbacks.RefusalAsync(request.CallbackUrl, http.RequestAborted) is { } refusal)
        {
            // The callback is where results go: the service must not be a way to reach internal addresses.
            logs.CreateLogger(nameof(QueueEndpoints)).LogWarning("Submit refused: callback URL {Refusal}", refusal);
            return LegacyReply.Error("Queue request has invalid format");
        }

        var (_, queueLength) = await intake.AcceptAsync(request, http.RequestAborted);
        return LegacyReply.Success(queueLength.ToString());
    }

    public static async Task<IResult> GetQueueLen(HttpContext http, QueueCatalog catalog, QueueAccess access, QueueLength queueLength)
    {
        var queue = LegacyForm.Last(http.Request.Query["queue_name"]);
        if (queue is null) return LegacyReply.Error("'get_queuelen' must provide parameter 'queue_name'");
        if (!catalog.Contains(queue)) return LegacyReply.Error("Valid queue names are: " + string.Join(", ", catalog.Names));
        if (!access.Allows(http.User, Right.Grade, queue)) return NotAllowed(queue);
        return LegacyReply.Success(await queueLength.WaitingAsync(queue, http.RequestAborted));
    }

    /// <summary>403 in the legacy envelope: xqueue-watcher counts it as a failed poll and sleeps; the LMS reports it.</summary>
    public static IResult NotAllowed(string queue) =>
        LegacyReply.Error($"Not allowed on queue '{queue}'", StatusCodes.Status403Forbidden);
}
