using System.Text.Json.Nodes;
using XQueue.Functions.Dashboard;
using XQueue.Functions.Legacy;
using XQueue.Functions.Metrics;

namespace XQueue.Functions.Hosting;

/// <summary>
/// Every Azure Functions function of the app and its function.json, derived from the route table so the
/// two cannot drift (a test compares the committed folders with this).
/// HTTP functions are "HTTP in + HTTP out" only, so the host forwards the request as it came.
/// </summary>
public static class FunctionTable
{
    public const string SweepFunction = "Sweep";

    /// <summary>NCRONTAB, UTC: once a minute. First delivery attempts do not wait for it.</summary>
    public const string SweepSchedule = "0 */1 * * * *";

    public const string PushDispatchFunction = "PushDispatch";

    /// <summary>
    /// Every 10 seconds: push queues are served even when no instance is alive to run the push loops
    /// (the original pushed once per 10 s per queue). A deployment without push queues may disable it
    /// with the app setting AzureWebJobs.PushDispatch.Disabled=true.
    /// </summary>
    public const string PushDispatchSchedule = "*/10 * * * * *";

    public static IReadOnlyDictionary<string, string> FunctionJsonByName()
    {
        var functions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var function in LegacyEndpoints.Functions) functions[function.Name] = HttpFunctionJson(function.Route);
        foreach (var (name, route) in DashboardEndpoints.Functions) functions[name] = HttpFunctionJson(route);
        foreach (var (name, route) in MetricsEndpoint.Functions) functions[name] = HttpFunctionJson(route);
        functions[SweepFunction] = TimerFunctionJson(SweepSchedule);
        functions[PushDispatchFunction] = TimerFunctionJson(PushDispatchSchedule);
        return functions;
    }

    static string HttpFunctionJson(string route) => Render(new JsonObject
    {
        ["bindings"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "httpTrigger",
                ["direction"] = "in",
                ["name"] = "req",
                ["authLevel"] = "anonymous",
                ["methods"] = new JsonArray("get", "post"),
                ["route"] = route,
            },
            new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
    });

    static string TimerFunctionJson(string schedule) => Render(new JsonObject
    {
        ["bindings"] = new JsonArray(new JsonObject
        {
            ["type"] = "timerTrigger",
            ["direction"] = "in",
            ["name"] = "timer",
            ["schedule"] = schedule,
            ["runOnStartup"] = false,
            ["useMonitor"] = true,
        }),
    });

    static string Render(JsonNode node) =>
        node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
}
