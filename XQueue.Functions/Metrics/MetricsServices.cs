using XQueue.Functions.Configuration;

namespace XQueue.Functions.Metrics;

public static class MetricsServices
{
    public static IServiceCollection AddXQueueMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        // The standard OpenTelemetry variable stands in for an empty XQueue:Metrics:OtlpEndpoint, and is validated as it.
        services.PostConfigure<XQueueOptions>(options =>
        {
            if (string.IsNullOrWhiteSpace(options.Metrics.OtlpEndpoint)) options.Metrics.OtlpEndpoint = configuration[MetricsOptions.StandardEndpointKey];
        });
        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<XQueueMetrics>();
        services.AddHostedService<OtlpExport>();
        return services;
    }
}
