using Azure.Core;
using Azure.Core.Pipeline;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// Puts a test's policy (counting, faults, holds) into the app's own storage pipeline, per call (before the
/// retries). The policy joins the options the app registered, so the app keeps its retry settings, and policies
/// added this way add up instead of replacing one another.
/// </summary>
public static class StoragePipeline
{
    public static IServiceCollection AddStoragePolicy(this IServiceCollection services, HttpPipelinePolicy policy)
    {
        var options = services.Select(service => service.ImplementationInstance).OfType<StorageClientOptions>().LastOrDefault()
            ?? throw new InvalidOperationException("The app registers its storage options before the test's overrides run.");
        options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        return services;
    }
}
