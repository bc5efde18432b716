using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using XQueue.Functions.Auth;

namespace XQueue.Functions.Legacy;

/// <summary>login, logout and status (reference §2.1–§2.3).</summary>
public static class SessionEndpoints
{
    public const string TooManyLogins = "Too many failed logins, please try again later";

    public static async Task<IResult> Login(HttpContext http, UserStore users, LoginThrottle throttle)
    {
        // A GET is how the LMS lands here after the 302, and how xqueue-watcher prefetches: both expect this string.
        if (!HttpMethods.IsPost(http.Request.Method)) return LegacyReply.Error("login_required");

        var form = await LegacyForm.ReadAsync(http.Request);
        var name = form is null ? null : LegacyForm.Last(form["username"]);
        var password = form is null ? null : LegacyForm.Last(form["password"]);
        if (name is null || password is null) return LegacyReply.Error("Insufficient login info");

        var address = ClientAddress.Of(http);
        if (throttle.Check(name, address) is { } wait)
        {
            await Throttling.Reject(http, wait, TooManyLogins, http.RequestAborted);
            return Results.Empty;
        }
        var user = await users.VerifyAsync(name, password, http.RequestAborted);
        if (user is null)
        {
            throttle.Failed(name, address);
            return LegacyReply.Error("Incorrect login credentials");
        }

        var identity = new ClaimsIdentity(SessionAuthenticationHandler.Scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Name));
        foreach (var role in user.Roles) identity.AddClaim(new Claim(ClaimTypes.Role, role));
        await http.SignInAsync(SessionAuthenticationHandler.Scheme, new ClaimsPrincipal(identity));
        return LegacyReply.Success("Logged in");
    }

    public static async Task<IResult> Logout(HttpContext http)
    {
        await http.SignOutAsync(SessionAuthenticationHandler.Scheme);
        return LegacyReply.Success("Goodbye");
    }

    public static IResult Status() => LegacyReply.Success("OK");
}
