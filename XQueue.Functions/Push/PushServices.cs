namespace XQueue.Functions.Push;

public static class PushServices
{
    public static IServiceCollection AddPush(this IServiceCollection services)
    {
        // PushUrl is operator configuration, so the LMS callback guard does not apply; redirects are not
        // followed (a 3xx is a failed attempt, as any answer but 200), and the request timeout is the push timeout.
        services.AddHttpClient(GraderPush.ClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.MaxResponseContentBufferSize = GraderPush.MaxReplyBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.AddSingleton<GraderPush>();
        services.AddSingleton<PushDispatcher>();
        services.AddSingleton<PushPass>();
        // Standalone and under the Functions host alike: a submit on this instance is pushed at once.
        services.AddHostedService<PushLoops>();
        return services;
    }
}
