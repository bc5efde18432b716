namespace XQueue.Functions.Auth;

public static class AuthServices
{
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<UserStore>();
        services.AddSingleton<SessionKeys>();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<SessionRevocations>();
        services.AddAuthentication(SessionAuthenticationHandler.Scheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.Scheme, null);
        services.AddAuthorization();
        return services;
    }
}
