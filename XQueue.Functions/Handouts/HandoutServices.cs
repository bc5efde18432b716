namespace XQueue.Functions.Handouts;

public static class HandoutServices
{
    public static IServiceCollection AddHandouts(this IServiceCollection services)
    {
        services.AddSingleton<PullKeys>();
        services.AddSingleton<RecentHandouts>();
        services.AddSingleton<Handout>();
        services.AddSingleton<GraderPulls>();
        services.AddSingleton<GraderLeases>();
        return services;
    }
}
