using Azure;
using Microsoft.AspNetCore.Diagnostics;

namespace XQueue.Functions.Legacy;

/// <summary>
/// Last line for the legacy endpoints: storage that stays unreachable after Azure.Core's retries gets a
/// 503 in the legacy envelope (the LMS shows the status, xqueue-watcher backs off and polls again);
/// anything else is a bug, logged and answered 500 in the envelope. Nothing from the request is logged.
/// </summary>
public sealed class LegacyFailures(ILogger<LegacyFailures> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (http.RequestAborted.IsCancellationRequested) return true;
        var unavailable = exception is RequestFailedException or HttpRequestException or TimeoutException ||
            exception is OperationCanceledException;
        if (unavailable)
        {
            log.LogWarning(exception, "Storage unavailable while serving {Path}", http.Request.Path);
        }
        else
        {
            log.LogError(exception, "Unhandled error while serving {Path}", http.Request.Path);
        }

        var status = unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        var message = unavailable ? "Service temporarily unavailable, please try again" : "Internal error";
        http.Response.StatusCode = status;
        http.Response.ContentType = LegacyReply.ContentType;
        await http.Response.WriteAsync(LegacyReply.Body(1, message), cancellationToken);
        return true;
    }
}
