using System.Text.Json;
using System.Text.Json.Nodes;
using XQueue.Functions.Push;
using XQueue.Functions.Sweep;

namespace XQueue.Functions.Hosting;

/// <summary>
/// The host's timer calls: POST /Sweep and POST /PushDispatch with the invocation JSON
/// ({"Data":{"timer":…},"Metadata":{…}}). The answer is the custom-handler response shape; a non-2xx fails
/// the invocation, which is what a sweep or push pass that could not reach storage should do.
/// </summary>
public static class TimerInvocation
{
    public static IEndpointRouteBuilder MapFunctionsTimer(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + FunctionTable.SweepFunction, (HttpRequest request, Sweeper sweeper, ILoggerFactory logs) =>
            RunAsync(request, logs, "sweep", async cancellationToken => (await sweeper.RunOnceAsync(cancellationToken)).ToString()));
        app.MapPost("/" + FunctionTable.PushDispatchFunction, (HttpRequest request, PushPass pass, ILoggerFactory logs) =>
            RunAsync(request, logs, "push dispatch", async cancellationToken => (await pass.RunAsync(cancellationToken)).ToString()));
        return app;
    }

    static async Task<IResult> RunAsync(HttpRequest request, ILoggerFactory logs, string duty, Func<CancellationToken, Task<string>> run)
    {
        // Only the local Functions host (or an operator on the machine) may trigger it.
        if (request.HttpContext.Connection.RemoteIpAddress is not { } caller || !System.Net.IPAddress.IsLoopback(caller)) return Results.NotFound();
        var log = logs.CreateLogger(typeof(TimerInvocation));
        var pastDue = await ReadIsPastDueAsync(request);
        try
        {
            var report = await run(request.HttpContext.RequestAborted);
            return Respond(StatusCodes.Status200OK, (pastDue ? "timer past due; " : "") + report);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Timer invocation ({Duty}) failed", duty);
            return Respond(StatusCodes.Status500InternalServerError, $"{duty} failed: " + e.GetType().Name);
        }
    }

    static IResult Respond(int status, string logLine) =>
        Results.Json(new JsonObject { ["Outputs"] = new JsonObject(), ["Logs"] = new JsonArray(logLine), ["ReturnValue"] = null },
            statusCode: status);

    // The payload only informs the log line; a body the host never sends (empty, not JSON) still sweeps.
    static async Task<bool> ReadIsPastDueAsync(HttpRequest request)
    {
        try
        {
            var invocation = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            var timer = invocation?["Data"]?["timer"];
            // Some hosts pass binding data as a JSON string holding the JSON.
            if (timer is JsonValue value && value.TryGetValue<string>(out var text)) timer = JsonNode.Parse(text);
            return timer?["IsPastDue"]?.GetValue<bool>() ?? false;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }
}
