namespace XQueue.Functions.Submissions;

public static class SubmissionServices
{
    /// <summary>The submission's stores, which every room below builds on.</summary>
    public static IServiceCollection AddSubmissions(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<StorageNames>();
        services.AddSingleton<SubmissionStore>();
        services.AddSingleton<QueueCatalog>();
        services.AddSingleton<Holds>();
        services.AddSingleton<HoldResults>();
        services.AddSingleton<FailedIndex>();
        services.AddSingleton<ResultCounts>();
        services.AddHostedService(provider => provider.GetRequiredService<ResultCounts>());
        return services;
    }
}
