using System.Globalization;
using XQueue.Functions.Auth;
using XQueue.Functions.Handouts;
using XQueue.Functions.Replies;

namespace XQueue.Functions.Legacy;

/// <summary>
/// extend_lease: a form POST like put_result, <c>xqueue_header</c> as handed out and an optional <c>seconds</c>
/// (default: the queue's processing delay). Answers <c>{"lease_until": "…Z", "seconds": n}</c> in the content.
/// </summary>
public static class ExtendLeaseEndpoint
{
    public static async Task<IResult> ExtendLease(HttpContext http, GraderLeases leases, QueueAccess access)
    {
        if (!HttpMethods.IsPost(http.Request.Method)) return LegacyReply.Error("'extend_lease' must use HTTP POST");
        if (LegacyForm.IsOversized(http.Request)) return LegacyReply.Error("Incorrect reply format", StatusCodes.Status413PayloadTooLarge);

        var form = await LegacyForm.ReadAsync(http.Request);
        if (form is null || ReplyHeader.Parse(LegacyForm.Last(form["xqueue_header"])) is not { } header) return LegacyReply.Error("Incorrect reply format");
        int? seconds = null;
        if (LegacyForm.Last(form["seconds"]) is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var asked) || asked < 1)
            {
                return LegacyReply.Error("'extend_lease' parameter 'seconds' must be a whole number of seconds, at least 1");
            }
            seconds = asked;
        }

        var outcome = await leases.ExtendAsync(header.Id, header.Key, seconds, queue => access.Allows(http.User, Right.Grade, queue), http.RequestAborted);
        return outcome.Answer switch
        {
            LeaseAnswer.Extended => LegacyReply.Success(PythonJson.Dumps(
                ("lease_until", outcome.Until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
                ("seconds", outcome.Seconds))),
            LeaseAnswer.NoSuchSubmission => LegacyReply.Error(GraderEndpoints.ErrorOf(ResultOutcome.NoSuchSubmission)),
            LeaseAnswer.WrongKey => LegacyReply.Error(GraderEndpoints.ErrorOf(ResultOutcome.WrongKey)),
            LeaseAnswer.NotAllowed => LegacyReply.Error(GraderEndpoints.NotAllowedOnQueue, StatusCodes.Status403Forbidden),
            LeaseAnswer.AtLimit => LegacyReply.Error(
                $"Lease not extended: a submission may be held at most {outcome.MaxLease:c} after it was pulled"),
            _ => LegacyReply.Error("Lease not extended: the submission is no longer held by this pull (graded, failed, or handed out again)"),
        };
    }
}
