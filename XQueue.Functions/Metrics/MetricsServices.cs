using Microsoft.Azure.Functions.Worker;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Metrics;

public static class MetricsServices
{
    public static IServiceCollection AddXQueueMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        // The standard OpenTelemetry variable stands in for an empty XQueue:Metrics:OtlpEndpoint, and is validated as it;
        // the standard Application Insights settings are validated with the other options.
        services.PostConfigure<XQueueOptions>(options =>
        {
            if (string.IsNullOrWhiteSpace(options.Metrics.OtlpEndpoint)) options.Metrics.OtlpEndpoint = configuration[MetricsOptions.StandardEndpointKey];
            options.Metrics.ApplicationInsights = ApplicationInsightsSettings.Read(configuration);
        });
        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<XQueueMetrics>();
        services.AddSingleton<RequestStorageCost>();
        // Standalone only (see RequestStorageScope): the Functions worker registers its application builder first.
        if (!services.Any(service => service.ServiceType == typeof(IFunctionsWorkerApplicationBuilder)))
        {
            services.AddSingleton<IStartupFilter, RequestStorageScope>();
        }
        services.AddHostedService<OtlpExport>();
        return services;
    }
}
