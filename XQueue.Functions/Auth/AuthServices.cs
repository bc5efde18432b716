using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

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
        services.AddSingleton<QueueAccess>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, LegacyAuthorizationResults>();

        services.AddAuthentication(CredentialSchemes.Any)
            .AddPolicyScheme(CredentialSchemes.Any, "Session cookie or bearer token", scheme => scheme.ForwardDefaultSelector = CredentialSchemes.Select)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.Scheme, null)
            .AddJwtBearer(CredentialSchemes.Bearer, _ => { });
        services.AddOptions<JwtBearerOptions>(CredentialSchemes.Bearer).Configure<IOptions<XQueueOptions>>(ConfigureBearer);
        services.AddAuthorizationBuilder().AddRightPolicies();
        services.AddThrottling();
        return services;
    }

    static void ConfigureBearer(JwtBearerOptions bearer, IOptions<XQueueOptions> options)
    {
        var jwt = options.Value.Jwt;
        bearer.MapInboundClaims = false; // keep "sub" and "scope" as issued
        bearer.TokenValidationParameters = BearerTokenValidation.Parameters(jwt);
        if (Uri.TryCreate(jwt.LmsJwksUrl, UriKind.Absolute, out var jwksUrl)) bearer.ConfigurationManager = JwksRetriever.For(jwksUrl);
        bearer.Events = new JwtBearerEvents
        {
            // The handler reads "Bearer" only; Open edX clients send "JWT <token>".
            OnMessageReceived = context =>
            {
                context.Token = CredentialSchemes.BearerToken(context.Request.Headers.Authorization);
                return Task.CompletedTask;
            },
        };
    }
}
