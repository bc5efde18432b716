using Azure.Core;
using Azure.Core.Pipeline;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// Puts a test's policy (counting, faults, holds) into the app's own storage pipeline, per call (before the
/// retries). The policy joins the settings the app registered, so the app keeps its retry settings, and policies
/// added this way add up instead of replacing one another.
/// </summary>
public static class StoragePipeline
{
    public static IServiceCollection AddStoragePolicy(this IServiceCollection services, HttpPipelinePolicy policy)
    {
        Settings(services).PerCallPolicies.Add(policy);
        return services;
    }

    /// <summary>The storage settings the app registered, for a test to add to before the clients are made.</summary>
    public static StorageClientSettings Settings(IServiceCollection services) =>
        services.Select(service => service.ImplementationInstance).OfType<StorageClientSettings>().LastOrDefault()
        ?? throw new InvalidOperationException("The app registers its storage settings before the test's overrides run.");
}
