using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using XQueue.Functions.Configuration;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Metrics;

/// <summary>
/// The Application Insights export, received by a real HTTP listener playing the ingestion endpoint (a connection
/// string whose IngestionEndpoint is on 127.0.0.1), through a whole grading cycle driven over HTTP.
/// </summary>
public sealed class ApplicationInsightsExportTests
{
    static readonly string[] ExpectedMetrics = [.. ExportCycle.MetricNames, "xqueue.delivery.awaiting"];

    const string Category = "XQueue.Functions.Metrics.TelemetryDestinations";

    [Fact]
    public async Task A_connection_string_sends_the_XQueue_metrics_the_logs_and_the_request_traces_to_its_ingestion_endpoint()
    {
        await using var ingestion = await FakeIngestion.StartAsync();
        var key = Guid.NewGuid();
        var logs = new LogCapture();
        await using var rig = await GradingRig.StartAsync(new Dictionary<string, string?>
        {
            [ApplicationInsightsSettings.ConnectionStringKey] = ingestion.ConnectionString(key),
            ["XQueue:Metrics:ExportInterval"] = "00:00:01",
            // Every trace kept: the exporter's default keeps about 5 a second, and the cycle below makes a burst.
            ["AzureMonitorExporter:SamplingRatio"] = "1",
            [$"Logging:LogLevel:{Category}"] = "Information",
        }, services => services.AddSingleton<ILoggerProvider>(logs));

        await ExportCycle.RunAsync(rig);

        var service = rig.Service.BaseAddress.Authority;
        bool IsRequestTo(TelemetryItem item, string path) =>
            item.Name == "Request" && Uri.TryCreate(item.Text("url"), UriKind.Absolute, out var url) && url.Authority == service && url.AbsolutePath == path;
        await ingestion.WaitForAsync(items =>
        [
            .. ExpectedMetrics.Except(items.SelectMany(item => item.MetricNames)),
            .. new[] { "/xqueue/submit/", "/xqueue/get_submission/", "/xqueue/put_result/" }
                .Where(path => !items.Any(item => IsRequestTo(item, path))).Select(path => "Request " + path),
            .. items.Any(item => item.Name == "Message" && item.Text("message")?.StartsWith("Sending metrics, logs and request traces", StringComparison.Ordinal) == true)
                ? Array.Empty<string>() : new[] { "the start-up log line as a Message" },
        ], TimeSpan.FromSeconds(30));

        var received = ingestion.Items.ToArray();
        Assert.All(ingestion.Paths, path => Assert.Equal(FakeIngestion.TrackPath, path));
        Assert.All(received, item => Assert.Equal(key.ToString(), item.InstrumentationKey));
        // Only this app's requests: not the LMS's callback it made, nor the ingestion's own POSTs (which would feed back).
        Assert.All(received.Where(item => item.Name == "Request"), item => Assert.Equal(service, new Uri(item.Text("url")!).Authority));
        var request = received.First(item => IsRequestTo(item, "/xqueue/put_result/"));
        Assert.Equal("200", request.Text("responseCode"));
        Assert.Equal("xqueue", request.Item.GetProperty("tags").GetProperty("ai.cloud.role").GetString());
        // The line says where telemetry goes, never with the connection string or its key.
        Assert.DoesNotContain(logs.Lines, line => line.Contains(key.ToString(), StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(logs.Lines, line => line.Contains("No telemetry is sent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_log_line_is_sent_even_when_its_request_is_not_sampled()
    {
        await using var ingestion = await FakeIngestion.StartAsync();
        await using var rig = await GradingRig.StartAsync(new Dictionary<string, string?>
        {
            [ApplicationInsightsSettings.ConnectionStringKey] = ingestion.ConnectionString(Guid.NewGuid()),
            ["AzureMonitorExporter:SamplingRatio"] = "0",
            ["Logging:LogLevel:XQueue.Functions.Intake"] = "Information",
        });
        await rig.SubmitAsync(1, "unsampled", "print(1)");

        await ingestion.WaitForAsync(items => items.Any(item => item.Name == "Message" && item.Text("message")?.Contains("queued on test-pull", StringComparison.Ordinal) == true)
            ? [] : ["the submit's log line"], TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(ingestion.Items, item => item.Name == "Request");
    }

    [Fact]
    public async Task Without_a_connection_string_or_a_collector_nothing_can_send_and_one_line_says_so()
    {
        var logs = new LogCapture();
        await using var rig = await GradingRig.StartAsync(new Dictionary<string, string?> { [$"Logging:LogLevel:{Category}"] = "Information" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        await rig.SubmitAsync(1, "quiet", "print(1)");
        var pull = await Pull.NextAsync(rig.Watcher);
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "ok")))?.ReturnCode);
        Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10)));

        // What would send: an OpenTelemetry provider of any signal (OTLP builds its own only with a collector configured).
        Assert.Null(rig.Service.Services.GetService<MeterProvider>());
        Assert.Null(rig.Service.Services.GetService<TracerProvider>());
        Assert.Null(rig.Service.Services.GetService<LoggerProvider>());
        Assert.DoesNotContain(rig.Service.Services.GetServices<ILoggerProvider>(), provider => provider.GetType().Namespace!.StartsWith("OpenTelemetry", StringComparison.Ordinal));
        var line = Assert.Single(logs.Lines, line => line.Contains(Category, StringComparison.Ordinal));
        Assert.Contains("No telemetry is sent", line);
        Assert.Contains(ApplicationInsightsSettings.ConnectionStringKey, line);
    }
}
