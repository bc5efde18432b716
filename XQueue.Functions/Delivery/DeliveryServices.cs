namespace XQueue.Functions.Delivery;

public static class DeliveryServices
{
    public static IServiceCollection AddDelivery(this IServiceCollection services)
    {
        // No automatic redirects: the LMS answers its callback with 200, anything else is a failed attempt.
        services.AddHttpClient(LmsCallback.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddSingleton<LmsCallback>();
        services.AddSingleton<DeliveryOutbox>();
        services.AddSingleton<ResultDelivery>();
        services.AddSingleton<DeliveryWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryWorker>());
        return services;
    }
}
