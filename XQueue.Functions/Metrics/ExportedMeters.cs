using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Metrics;

/// <summary>
/// The meters every export carries (OTLP and Application Insights alike): this service's meter, the storage
/// request counter, ASP.NET Core's request durations (per route: the legacy endpoints) and HttpClient's (storage
/// and LMS calls).
/// </summary>
/// <remarks>
/// The SDK subscribes by meter name across the whole process, and instruments of the same name share one stream.
/// Where a process hosts more than one app (the tests do), another app's meters would be exported as this app's,
/// and that app stopping would end the shared streams. So meters made by another app's
/// <see cref="IMeterFactory"/> are dropped; process-wide meters (storage requests, HttpClient) are kept.
/// </remarks>
public static class ExportedMeters
{
    public static readonly string[] Names = [XQueueMetrics.MeterName, RequestCountingPolicy.MeterName, "Microsoft.AspNetCore.Hosting", "System.Net.Http"];

    /// <param name="own">This app's meter factory: meters of any other are left out.</param>
    public static MeterProviderBuilder AddExportedMeters(this MeterProviderBuilder builder, IMeterFactory own) => builder
        .AddMeter(Names)
        .AddView(instrument => instrument.Meter.Scope is IMeterFactory other && other != own ? MetricStreamConfiguration.Drop : null);
}
