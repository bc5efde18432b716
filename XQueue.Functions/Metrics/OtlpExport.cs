using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using XQueue.Functions.Configuration;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Metrics;

/// <summary>
/// Pushes the metrics to an OTLP collector (http/protobuf) when one is configured: this service's meter, the
/// storage request counter, ASP.NET Core's request durations (per route: the legacy endpoints) and HttpClient's
/// (storage and LMS calls). The provider lives as long as the app; stopping flushes what is left.
/// </summary>
/// <remarks>
/// The SDK subscribes by meter name across the whole process, and instruments of the same name share one stream.
/// Where a process hosts more than one app (the tests do), another app's meters would be exported as this app's,
/// and that app stopping would end the shared streams. So meters made by another app's
/// <see cref="IMeterFactory"/> are dropped; process-wide meters (storage requests, HttpClient) are kept.
/// </remarks>
public sealed class OtlpExport(
    IOptions<XQueueOptions> options, XQueueMetrics metrics, IMeterFactory meterFactory, InstanceIdentity instance, ILogger<OtlpExport> log)
    : IHostedService, IDisposable
{
    public static readonly string[] Meters = [XQueueMetrics.MeterName, RequestCountingPolicy.MeterName, "Microsoft.AspNetCore.Hosting", "System.Net.Http"];

    MeterProvider? provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = metrics; // created now, so its gauges exist for the first export even before any traffic
        var settings = options.Value.Metrics;
        if (settings.ExportUrl is not { } url) return Task.CompletedTask;

        provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService("xqueue", serviceInstanceId: instance.Id))
            .AddMeter(Meters)
            .AddView(instrument => instrument.Meter.Scope is IMeterFactory other && other != meterFactory ? MetricStreamConfiguration.Drop : null)
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
