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
            await revocations.RevokeAsync(claims.SessionId, DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt), Context.RequestAborted);
        }
        Response.Cookies.Delete(SessionCookie, Cookie(null, httpOnly: true));
        Response.Cookies.Delete(CsrfCookie, Cookie(null, httpOnly: false));
    }

    CookieOptions Cookie(DateTimeOffset? expires, bool httpOnly) => new()
    {
        Path = "/",
        HttpOnly = httpOnly,
        Secure = Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        Expires = expires,
    };
}
