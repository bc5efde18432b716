namespace XQueue.Functions.Configuration;

/// <summary>The <c>XQueue:Metrics</c> section (docs/metrics.md).</summary>
public sealed class MetricsOptions
{
    /// <summary>The standard OpenTelemetry variable, honoured when <see cref="OtlpEndpoint"/> is empty.</summary>
    public const string StandardEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Base URL of an OTLP collector (http/protobuf; <c>/v1/metrics</c> is appended, as for the standard variable).
    /// Empty: the standard variable, and when that is empty too, no export.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Application Insights (the standard <c>APPLICATIONINSIGHTS_*</c> settings, filled in after binding): not
    /// settable under XQueue:Metrics, so there is one place to write it, the one the Functions host reads too.
    /// </summary>
    public ApplicationInsightsSettings ApplicationInsights { get; internal set; } = ApplicationInsightsSettings.None;

    /// <summary>How often the metrics are exported, by OTLP and to Application Insights (OpenTelemetry's default: one minute).</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long one read of the queue figures serves every reader (dashboard, /xqueue/metrics/, exported gauges):
    /// many readers then cost one set of storage reads.
    /// </summary>
    public TimeSpan SnapshotMaxAge { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The collector's metrics URL, or null when nothing is to be exported.</summary>
    public Uri? ExportUrl => Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var url) ? new Uri(url.AbsoluteUri.TrimEnd('/') + "/v1/metrics") : null;

    public void Validate(XQueueOptions options, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) &&
            !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && string.IsNullOrEmpty(url.Query)))
        {
            errors.Add($"XQueue:Metrics:OtlpEndpoint (or {StandardEndpointKey}) must be an absolute http(s) URL without a query, " +
                "the collector's base address such as http://127.0.0.1:4318.");
        }
        if (ExportInterval < TimeSpan.FromSeconds(1) || ExportInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"XQueue:Metrics:ExportInterval must be between 00:00:01 and 01:00:00 (got {ExportInterval}).");
        }
        ApplicationInsights.Validate(errors);
        if (SnapshotMaxAge < TimeSpan.Zero || SnapshotMaxAge > TimeSpan.FromMinutes(5))
        {
            errors.Add($"XQueue:Metrics:SnapshotMaxAge must be between 00:00:00 and 00:05:00 (got {SnapshotMaxAge}).");
        }
    }
}
