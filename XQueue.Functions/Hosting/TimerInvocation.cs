using System.Text.Json;
using System.Text.Json.Nodes;
using XQueue.Functions.Sweep;

namespace XQueue.Functions.Hosting;

/// <summary>
/// The host's timer call: POST /Sweep with the invocation JSON ({"Data":{"timer":…},"Metadata":{…}}).
/// The answer is the custom-handler response shape; a non-2xx fails the invocation, which is what a
/// sweep that could not reach storage should do.
/// </summary>
public static class TimerInvocation
{
    public static IEndpointRouteBuilder MapFunctionsTimer(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + FunctionTable.SweepFunction, RunSweep);
        return app;
    }

    static async Task<IResult> RunSweep(HttpRequest request, Sweeper sweeper, ILoggerFactory logs)
    {
        // Only the local Functions host (or an operator on the machine) may trigger it.
        if (request.HttpContext.Connection.RemoteIpAddress is not { } caller || !System.Net.IPAddress.IsLoopback(caller)) return Results.NotFound();
        var log = logs.CreateLogger(typeof(TimerInvocation));
        var pastDue = await ReadIsPastDueAsync(request);
        try
        {
            var report = await sweeper.RunOnceAsync(request.HttpContext.RequestAborted);
            return Respond(StatusCodes.Status200OK, (pastDue ? "timer past due; " : "") + report);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Sweep invocation failed");
            return Respond(StatusCodes.Status500InternalServerError, "sweep failed: " + e.GetType().Name);
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
