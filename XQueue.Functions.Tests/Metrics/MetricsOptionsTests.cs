using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Tests.Metrics;

/// <summary>XQueue:Metrics is checked at start-up like every other option, its key named.</summary>
public sealed class MetricsOptionsTests
{
    static XQueueOptions Options(params string[] extra) => Program.Build(
        ["--AzureWebJobsStorage=UseDevelopmentStorage=true", "--XQueue:Queues:test-pull:PushUrl=", .. extra])
        .Services.GetRequiredService<IOptions<XQueueOptions>>().Value;

    [Theory]
    [InlineData("--XQueue:Metrics:OtlpEndpoint=collector:4318", "XQueue:Metrics:OtlpEndpoint")]
    [InlineData("--XQueue:Metrics:OtlpEndpoint=ftp://collector", "XQueue:Metrics:OtlpEndpoint")]
    [InlineData("--XQueue:Metrics:OtlpEndpoint=http://collector:4318/?token=x", "XQueue:Metrics:OtlpEndpoint")]
    [InlineData("--OTEL_EXPORTER_OTLP_ENDPOINT=not a url", "OTEL_EXPORTER_OTLP_ENDPOINT")]
    [InlineData("--XQueue:Metrics:ExportInterval=00:00:00.500", "XQueue:Metrics:ExportInterval")]
    [InlineData("--XQueue:Metrics:ExportInterval=02:00:00", "XQueue:Metrics:ExportInterval")]
    [InlineData("--XQueue:Metrics:ExportInterval=often", "XQueue:Metrics:ExportInterval")]
    [InlineData("--XQueue:Metrics:SnapshotMaxAge=-00:00:01", "XQueue:Metrics:SnapshotMaxAge")]
    [InlineData("--XQueue:Metrics:SnapshotMaxAge=00:10:00", "XQueue:Metrics:SnapshotMaxAge")]
    public void A_bad_value_is_reported_with_its_key(string setting, string key)
    {
        var error = Assert.ThrowsAny<Exception>(() => Options(setting));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Export_is_off_by_default_and_goes_to_v1_metrics_of_the_configured_or_standard_endpoint()
    {
        var defaults = Options().Metrics;
        Assert.Null(defaults.ExportUrl);
        Assert.Equal(TimeSpan.FromMinutes(1), defaults.ExportInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), defaults.SnapshotMaxAge);
        Assert.Equal(new Uri("http://collector:4318/v1/metrics"), Options("--XQueue:Metrics:OtlpEndpoint=http://collector:4318/").Metrics.ExportUrl);
        Assert.Equal(new Uri("https://otel.example/ingest/v1/metrics"), Options("--OTEL_EXPORTER_OTLP_ENDPOINT=https://otel.example/ingest").Metrics.ExportUrl);
        Assert.Equal(new Uri("http://mine:4318/v1/metrics"),
            Options("--OTEL_EXPORTER_OTLP_ENDPOINT=http://standard:4318", "--XQueue:Metrics:OtlpEndpoint=http://mine:4318").Metrics.ExportUrl);
    }
}
