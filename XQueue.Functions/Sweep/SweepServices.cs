namespace XQueue.Functions.Sweep;

public static class SweepServices
{
    public static IServiceCollection AddSweep(this IServiceCollection services) => services.AddSingleton<Sweeper>();
}
