using XQueue.Functions.Storage;
using Azure.Identity;

namespace XQueue.Functions.Delivery;

public static class DeliveryServices
{
    public static IServiceCollection AddDelivery(this IServiceCollection services)
    {
        // No automatic redirects: the LMS answers its callback with 200, anything else is a failed attempt.
        // No proxy: the guarded connect must see the LMS's own address, not a proxy's.
        services.AddHttpClient(LmsCallback.ClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = GuardedConnect.Using(provider.GetRequiredService<CallbackAllowlist>()),
            });
        services.AddSingleton<LmsCallback>();
        // The topic is the operator's own endpoint: no redirects followed, so a key is never sent elsewhere.
        services.AddHttpClient(ScoreEventGrid.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddSingleton(provider => new EventGridToken(
            StorageRegistration.CredentialFor(provider.GetRequiredService<StorageTarget>()) ?? new DefaultAzureCredential(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ScoreEventQueue>();
        services.AddSingleton<ScoreEventGrid>();
        services.AddSingleton<EventClaimCheck>();
        services.AddSingleton<ChannelSender>();
        services.AddSingleton<DeliveryOutbox>();
        services.AddSingleton<ResultDelivery>();
        services.AddSingleton<CallbackAllowlist>();
        services.AddSingleton<ResultRecorder>();
        services.AddSingleton<DeliveryWorker>();
        services.AddSingleton<AbandonedResults>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryWorker>());
        return services;
    }
}
