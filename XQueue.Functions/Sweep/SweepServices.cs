using XQueue.Functions.Hosting;

namespace XQueue.Functions.Sweep;

public static class SweepServices
{
    public static IServiceCollection AddSweep(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<Sweeper>();
        // Under the Functions host its timer calls POST /Sweep; running our own timer too would double the work.
        if (!HandlerPort.IsUnderFunctionsHost(configuration)) services.AddHostedService<StandaloneSweep>();
        return services;
    }
}
