using System.Text.Json;
using XQueue.Functions.Configuration;
using XQueue.Functions.Tests.Auth;
using XQueue.Functions.Tests.Hosting.FunctionsHost;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Metrics;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The path Azure runs, with Application Insights on: the published worker, started by the stand-in for the
/// Functions host with a connection string whose ingestion endpoint is a local listener, tells the host that it
/// sends its own telemetry (so the host stops sending the worker's logs, which would arrive twice), and sends the
/// XQueue metrics, its logs and its invocation spans under the trace the host passed with each invocation.
/// </summary>
public sealed class HostContractTelemetryTests
{
    [Fact]
    public async Task The_worker_sends_the_XQueue_metrics_its_logs_and_its_invocation_spans_joined_to_the_host_s_trace()
    {
        await using var ingestion = await FakeIngestion.StartAsync();
        var key = Guid.NewGuid();
        var azurite = await Azurite.Shared;
        var settings = new Dictionary<string, string?>
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            [ApplicationInsightsSettings.ConnectionStringKey] = ingestion.ConnectionString(key),
            ["XQueue__Metrics__ExportInterval"] = "00:00:01",
            ["AzureMonitorExporter__SamplingRatio"] = "1",
        };
        var app = TestService.DefaultSettings();
        app["XQueue:StoragePrefix"] = Azurite.NewPrefix();
        foreach (var (name, value) in TestTokens.Settings(app)) settings[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        settings.Remove("Logging__LogLevel__Default");
        await using var host = await FunctionsHostFake.StartAsync(Repository.PathTo("artifacts", "app"), settings);

        Assert.Equal(bool.TrueString, host.WorkerCapabilities.GetValueOrDefault("WorkerOpenTelemetryEnabled"));
        using var login = await host.InvokeHttpAsync("Login", Form("/xqueue/login/", null, ("username", TestService.LmsUser), ("password", TestService.LmsPassword)));
        var cookie = string.Join("; ", login.Response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        using var submit = await host.InvokeHttpAsync("Submit", Form("/xqueue/submit/", cookie,
            ("xqueue_header", LegacyText.Header("http://127.0.0.1:9/callback", "telemetry", TestService.Queue)), ("xqueue_body", LegacyText.Body("print(1)"))));
        Assert.Equal(0, JsonDocument.Parse(await submit.Response.Content.ReadAsStringAsync()).RootElement.GetProperty("return_code").GetInt32());

        string[] expected = ["xqueue.submissions.received", "xqueue.queue.waiting", "http.server.request.duration"];
        // The worker's span of an invocation is a child of the host's (whose trace context came with the invocation),
        // and the function's log lines carry its trace: in Application Insights the host's request, the worker's span
        // and the logs are one operation.
        TelemetryItem? Span(IReadOnlyList<TelemetryItem> items) => items.FirstOrDefault(item =>
            item.Name == "RemoteDependency" && item.Text("name") == "function Submit" && Tag(item, "ai.operation.parentId") is { Length: > 0 });
        bool LoggedInSpan(IReadOnlyList<TelemetryItem> items) => Span(items) is { } span && items.Any(item =>
            item.Name == "Message" && item.Text("message")?.Contains("queued on test-pull", StringComparison.Ordinal) == true
            && Tag(item, "ai.operation.id") == Tag(span, "ai.operation.id"));
        await ingestion.WaitForAsync(items =>
        [
            .. expected.Except(items.SelectMany(item => item.MetricNames)),
            .. Span(items) is not null ? Array.Empty<string>() : new[] { "the Submit invocation's span under the host's" },
            .. LoggedInSpan(items) ? Array.Empty<string>() : new[] { "the Submit log line in the invocation's trace" },
        ], TimeSpan.FromSeconds(30));
        Assert.All(ingestion.Items, item => Assert.Equal(key.ToString(), item.InstrumentationKey));
    }

    static string? Tag(TelemetryItem item, string name) =>
        item.Item.GetProperty("tags").TryGetProperty(name, out var value) ? value.GetString() : null;

    static HttpRequestMessage Form(string path, string? cookie, params (string Name, string Value)[] fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        };
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return request;
    }
}
