using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Auth;

/// <summary>
/// The legacy session: a <c>sessionid</c> cookie set by /xqueue/login/. Without a valid session the
/// answer is Django's 302 to /xqueue/login/?next=…, which both real clients turn into a login (the LMS by
/// following it to "login_required", xqueue-watcher by treating the 302 itself as "log in again").
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory logger, UrlEncoder encoder,
    SessionTokens tokens, SessionRevocations revocations, IOptions<XQueueOptions> options, TimeProvider time)
    : SignInAuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public new const string Scheme = "XQueueSession";
    public const string SessionCookie = "sessionid";
    public const string CsrfCookie = "csrftoken";
    public const string LoginPath = "/xqueue/login/";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var claims = tokens.Validate(Request.Cookies[SessionCookie]);
        if (claims is null) return AuthenticateResult.NoResult();
        if (await revocations.IsRevokedAsync(claims.SessionId, Context.RequestAborted)) return AuthenticateResult.NoResult();
        claims = Renewed(claims);

        var identity = new ClaimsIdentity(Scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, claims.User));
        identity.AddClaim(new Claim("sid", claims.SessionId));
        identity.AddClaim(new Claim("exp", claims.ExpiresAt.ToString()));
        foreach (var role in Roles.Parse(claims.Roles)) identity.AddClaim(new Claim(ClaimTypes.Role, role));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var next = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect(LoginPath + "?next=" + Uri.EscapeDataString(next).Replace("%2F", "/"));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Sliding expiry: a session used after half its lifetime gets a fresh cookie with a full lifetime (same
    /// session id), so an active grader is never logged out and an idle session still ends.
    /// </summary>
    SessionClaims Renewed(SessionClaims claims)
    {
        var now = time.GetUtcNow();
        var lifetime = options.Value.Sessions.Lifetime;
        if (DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt) - now > lifetime / 2) return claims;
        var renewed = claims with { ExpiresAt = (now + lifetime).ToUnixTimeSeconds() };
        Response.Cookies.Append(SessionCookie, tokens.Issue(renewed), Cookie(now + lifetime, httpOnly: true));
        return renewed;
    }

    /// <summary>A new session id at every login, so a session id planted before login is worth nothing after it.</summary>
    protected override Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        var expiresAt = time.GetUtcNow() + options.Value.Sessions.Lifetime;
        var roles = string.Join(",", user.FindAll(ClaimTypes.Role).Select(c => c.Value));
        var token = tokens.Issue(new SessionClaims(user.Identity!.Name!, SessionTokens.NewSessionId(), roles, expiresAt.ToUnixTimeSeconds()));
        Response.Cookies.Append(SessionCookie, token, Cookie(expiresAt, httpOnly: true));
        // Django sets csrftoken too; xqueue-watcher echoes it as X-CSRFToken. Tolerated, not required.
        Response.Cookies.Append(CsrfCookie, SessionTokens.NewSessionId(), Cookie(expiresAt, httpOnly: false));
        return Task.CompletedTask;
    }

    protected override async Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        var claims = tokens.Validate(Request.Cookies[SessionCookie]);
        if (claims is not null)
        {
            // Until the latest expiry any renewed copy of this session could carry.
            await revocations.RevokeAsync(claims.SessionId, time.GetUtcNow() + options.Value.Sessions.Lifetime, Context.RequestAborted);
        }
        Response.Cookies.Delete(SessionCookie, Cookie(null, httpOnly: true));
        Response.Cookies.Delete(CsrfCookie, Cookie(null, httpOnly: false));
    }

    CookieOptions Cookie(DateTimeOffset? expires, bool httpOnly) => new()
    {
        Path = "/",
        HttpOnly = httpOnly,
        // Under the Functions host TLS ends at the platform's front end, which says so in X-Forwarded-Proto.
        Secure = Request.IsHttps || string.Equals(Request.Headers["X-Forwarded-Proto"], "https", StringComparison.OrdinalIgnoreCase),
        SameSite = SameSiteMode.Lax,
        Expires = expires,
    };
}
