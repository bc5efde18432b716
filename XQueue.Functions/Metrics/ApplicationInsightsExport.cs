using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Metrics;

/// <summary>
/// Sends the service's telemetry to Application Insights through OpenTelemetry when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (<see cref="ApplicationInsightsSettings"/>): the meters
/// (<see cref="ExportedMeters"/>, as <c>customMetrics</c>), every <see cref="ILogger"/> line (<c>traces</c>) and the
/// request spans (<c>requests</c>). Standalone the spans are ASP.NET Core's, this app's requests only. Under the
/// Functions host the host records the request (host.json's <c>telemetryMode</c>) and the worker adds its invocation
/// span beneath it; the worker then sends its own logs, and tells the host not to send them again.
/// </summary>
/// <remarks>
/// With <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD</c> the exporter signs in with the app's
/// managed identity (the component has local auth off and only accepts Entra ID tokens, for the Monitoring
/// Metrics Publisher role). The exporter's own cross-signal setup (<c>UseAzureMonitorExporter</c>) reads its
/// metrics every 60 s whatever is configured; the signals are wired one by one so that
/// <c>XQueue:Metrics:ExportInterval</c> holds for this export as for OTLP.
/// </remarks>
public static class ApplicationInsightsExport
{
    /// <summary>Service name standalone; under the Functions host the platform's detector names the site instead.</summary>
    const string ServiceName = "xqueue";

    /// <param name="underFunctionsHost">Whether the Functions host runs this worker (its request span is the request).</param>
    public static IServiceCollection AddApplicationInsightsExport(this IServiceCollection services, IConfiguration configuration, bool underFunctionsHost)
    {
        // A bad value is reported by the options' validation at start; the exporter would only throw its own message.
        var settings = ApplicationInsightsSettings.Read(configuration);
        if (!settings.IsEnabled || !settings.IsValid()) return services;

        var credential = CredentialFor(settings);
        void Configure(AzureMonitorExporterOptions exporter)
        {
            exporter.ConnectionString = settings.ConnectionString;
            exporter.Credential = credential;
            // Every log line is kept, also those of a request the trace sampler left out: a warning about a failed
            // delivery must not depend on a sampling draw (log levels decide the volume).
            exporter.EnableTraceBasedLogsSampler = false;
            // Live Metrics comes only with the cross-signal setup (see the remarks); said here, not left to a warning event.
            exporter.EnableLiveMetrics = false;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(provider => new InstanceResource(provider.GetRequiredService<InstanceIdentity>())))
            .WithLogging(logging => logging.AddAzureMonitorLogExporter(Configure), logger => logger.IncludeFormattedMessage = true)
            .WithTracing(tracing => tracing.AddAzureMonitorTraceExporter(Configure))
            .WithMetrics(_ => { });
        // The reader needs the app's services (its interval, its meter factory), so it is added when the provider is built.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var exporter = provider.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
            Configure(exporter);
            var interval = provider.GetRequiredService<IOptions<XQueueOptions>>().Value.Metrics.ExportInterval;
            metrics.AddExportedMeters(provider.GetRequiredService<IMeterFactory>())
                .AddReader(new PeriodicExportingMetricReader(new AzureMonitorMetricExporter(exporter), (int)interval.TotalMilliseconds)
                {
                    // What Application Insights expects: each export carries the change since the last one.
                    TemporalityPreference = MetricReaderTemporalityPreference.Delta,
                });
        });

        if (underFunctionsHost)
        {
            telemetry.UseFunctionsWorkerDefaults();
            return services;
        }
        telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation());
        services.AddOptions<AspNetCoreTraceInstrumentationOptions>()
            .Configure<InstanceIdentity>((requests, own) => requests.Filter = context => IsOwn(context, own));
        return services;
    }

    /// <summary>
    /// Whether the request is this app's. ASP.NET Core's request spans come from one source for the whole process,
    /// so where a process hosts other apps (the tests' fake LMS and collectors, other instances) their requests
    /// would be reported as this app's, and a collector's own requests would feed the export back into itself.
    /// </summary>
    static bool IsOwn(HttpContext context, InstanceIdentity own) =>
        ReferenceEquals(context.RequestServices?.GetService<InstanceIdentity>(), own);

    /// <summary>The managed identity the authentication string names, or none (the instrumentation key alone).</summary>
    static TokenCredential? CredentialFor(ApplicationInsightsSettings settings) => !settings.UsesEntraId ? null
        : new ManagedIdentityCredential(settings.ClientId is { } clientId
            ? ManagedIdentityId.FromUserAssignedClientId(clientId)
            : ManagedIdentityId.SystemAssigned);

    /// <summary>service.name and service.instance.id (the id /xqueue/metrics/ shows): Application Insights' role name and role instance.</summary>
    sealed class InstanceResource(InstanceIdentity instance) : IResourceDetector
    {
        public Resource Detect() => ResourceBuilder.CreateEmpty().AddService(ServiceName, serviceInstanceId: instance.Id).Build();
    }
}
