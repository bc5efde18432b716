namespace XQueue.Functions.WorkQueues;

public static class WorkQueueServices
{
    public static IServiceCollection AddWorkQueues(this IServiceCollection services)
    {
        services.AddSingleton<Backlog>();
        services.AddSingleton<WorkArrivals>();
        services.AddSingleton<QueueWindow>();
        services.AddSingleton<BacklogRefill>();
        services.AddHostedService(provider => provider.GetRequiredService<BacklogRefill>());
        services.AddSingleton<QueueLength>();
        services.AddSingleton<QueueOverview>();
        services.AddSingleton<OverviewSnapshot>();
        return services;
    }
}
