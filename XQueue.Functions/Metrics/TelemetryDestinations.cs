using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Metrics;

/// <summary>
/// Says once at start that the service's telemetry goes to Application Insights, where and as whom, or that
/// nothing leaves the process when neither Application Insights nor an OTLP collector is configured
/// (<see cref="OtlpExport"/> names its collector itself). Only an address and the kind of identity are logged,
/// never the connection string.
/// </summary>
public sealed class TelemetryDestinations(IOptions<XQueueOptions> options, ILogger<TelemetryDestinations> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var metrics = options.Value.Metrics;
        var insights = metrics.ApplicationInsights;
        if (insights.IngestionEndpoint is { } ingestion)
        {
            var identity = !insights.UsesEntraId ? "the instrumentation key (local authentication)"
                : insights.ClientId is { } clientId ? $"the user-assigned managed identity {clientId}"
                : "the system-assigned managed identity";
            log.LogInformation("Sending metrics, logs and request traces to Application Insights at {Ingestion} with {Identity}, metrics every {Interval}",
                $"{ingestion.Scheme}://{ingestion.Authority}", identity, metrics.ExportInterval);
        }
        else if (metrics.ExportUrl is null)
        {
            log.LogInformation("No telemetry is sent: set {ConnectionStringKey} for Application Insights, or XQueue:Metrics:OtlpEndpoint for an OTLP collector. " +
                "/xqueue/metrics/ answers either way.", ApplicationInsightsSettings.ConnectionStringKey);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
