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
        // The Functions worker registers its application builder before this runs; standalone there is none.
        var underFunctionsHost = services.Any(service => service.ServiceType == typeof(IFunctionsWorkerApplicationBuilder));
        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<ServiceLatencies>();
        services.AddHostedService(provider => provider.GetRequiredService<ServiceLatencies>());
        services.AddSingleton<XQueueMetrics>();
        services.AddSingleton<QueueHistory>();
        services.AddSingleton<RequestStorageCost>();
        // Standalone only (see RequestStorageScope).
        if (!underFunctionsHost) services.AddSingleton<IStartupFilter, RequestStorageScope>();
        services.AddHostedService<OtlpExport>();
        services.AddApplicationInsightsExport(configuration, underFunctionsHost);
        services.AddHostedService<TelemetryDestinations>();
        return services;
    }
}
