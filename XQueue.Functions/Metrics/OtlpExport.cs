using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Metrics;

/// <summary>
/// Pushes the metrics (<see cref="ExportedMeters"/>) to an OTLP collector (http/protobuf) when one is configured,
/// for self-hosted collectors. The provider lives as long as the app; stopping flushes what is left.
/// </summary>
public sealed class OtlpExport(
    IOptions<XQueueOptions> options, XQueueMetrics metrics, IMeterFactory meterFactory, InstanceIdentity instance, ILogger<OtlpExport> log)
    : IHostedService, IDisposable
{
    MeterProvider? provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = metrics; // created now, so its gauges exist for the first export even before any traffic
        var settings = options.Value.Metrics;
        if (settings.ExportUrl is not { } url) return Task.CompletedTask;

        provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService("xqueue", serviceInstanceId: instance.Id))
            .AddExportedMeters(meterFactory)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = url;
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.ExportInterval.TotalMilliseconds;
            })
            .Build();
        // The address only: user info or a path may carry a secret.
        log.LogInformation("Exporting metrics by OTLP to {Collector} every {Interval}", $"{url.Scheme}://{url.Host}:{url.Port}", settings.ExportInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        provider?.ForceFlush(5_000);
        return Task.CompletedTask;
    }

    public void Dispose() => provider?.Dispose();
}
