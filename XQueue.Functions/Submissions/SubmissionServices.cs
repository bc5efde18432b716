namespace XQueue.Functions.Submissions;

public static class SubmissionServices
{
    public static IServiceCollection AddSubmissions(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<StorageNames>();
        services.AddSingleton<SubmissionStore>();
        services.AddSingleton<QueueCatalog>();
        services.AddSingleton<CallbackIndex>();
        services.AddSingleton<PullKeys>();
        services.AddSingleton<Holds>();
        services.AddSingleton<RecentHandouts>();
        services.AddSingleton<Backlog>();
        services.AddSingleton<WorkArrivals>();
        services.AddSingleton<QueueWindow>();
        services.AddSingleton<BacklogRefill>();
        services.AddHostedService(provider => provider.GetRequiredService<BacklogRefill>());
        services.AddSingleton<QueueLength>();
        services.AddSingleton<CallbackAllowlist>();
        services.AddSingleton<CallbackTargets>();
        services.AddSingleton<SubmissionIntake>();
        services.AddSingleton<Handout>();
        services.AddSingleton<GraderPulls>();
        services.AddSingleton<ResultRecorder>();
        services.AddSingleton<ResultIntake>();
        services.AddSingleton<GraderLeases>();
        services.AddSingleton<FailedIndex>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ResultCounts>();
        services.AddHostedService(provider => provider.GetRequiredService<ResultCounts>());
        services.AddSingleton<QueueOverview>();
        services.AddSingleton<OverviewSnapshot>();
        services.AddSingleton<HeldSubmissions>();
        services.AddSingleton<SubmissionListing>();
        services.AddSingleton<OperatorActions>();
        return services;
    }
}
