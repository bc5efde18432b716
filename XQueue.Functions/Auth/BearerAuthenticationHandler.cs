using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace XQueue.Functions.Auth;

/// <summary>
/// Bearer tokens (<c>Bearer</c> or Open edX's <c>JWT</c> prefix) validated by <see cref="JsonWebTokenHandler"/>
/// against <see cref="BearerTokenValidation"/>. A bad token is a 401, never a redirect to the login page:
/// token clients are new clients and should see why. Logs name the failure kind, never the token.
/// </summary>
public sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory logger, UrlEncoder encoder, BearerKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = CredentialSchemes.BearerToken(Request.Headers.Authorization);
        if (token is null) return AuthenticateResult.NoResult();

        var result = await Tokens.ValidateTokenAsync(token, await keys.ParametersAsync(Context.RequestAborted));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            keys.RequestRefresh();
            result = await Tokens.ValidateTokenAsync(token, await keys.ParametersAsync(Context.RequestAborted));
        }
        if (!result.IsValid)
        {
            Logger.LogInformation("Bearer token refused ({Failure})", result.Exception?.GetType().Name ?? "invalid");
            return AuthenticateResult.Fail("invalid token");
        }
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(result.ClaimsIdentity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Task.CompletedTask;
    }
}
