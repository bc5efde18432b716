using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace XQueue.Functions.Auth;

public static class AuthServices
{
    /// <summary>Session cookies and bearer tokens side by side, the right policies, per-queue access and throttling.</summary>
    public static IServiceCollection AddXQueueAuth(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<UserStore>();
        services.AddSingleton<SessionKeys>();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<SessionRevocations>();
        services.AddSingleton<BearerKeys>();
        services.AddSingleton<QueueAccess>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, LegacyAuthorizationResults>();

        services.AddAuthentication(CredentialSchemes.Any)
            .AddPolicyScheme(CredentialSchemes.Any, "Session cookie or bearer token", scheme => scheme.ForwardDefaultSelector = CredentialSchemes.Select)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.Scheme, null)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(CredentialSchemes.Bearer, null);
        services.AddAuthorizationBuilder().AddRightPolicies();
        services.AddThrottling();
        return services;
    }
}
