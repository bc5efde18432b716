using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using XQueue.Functions.Auth;
using static XQueue.Functions.Dashboard.Layout;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// The dashboard's HTML login: the same users and the same session cookie as /xqueue/login/ (which answers
/// the LMS and graders in JSON), with an antiforgery token. Only a local path is accepted as "next".
/// </summary>
public static class LoginPage
{
    public static IResult Show(HttpContext http, string? next) => Form(http, next, null, 200);

    public static async Task<IResult> LogIn(HttpContext http, UserStore users, ILogger<UserStore> log)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var name = form["username"].ToString();
        var password = form["password"].ToString();
        var next = form["next"].ToString();
        var user = name.Length is > 0 and <= 128 && password.Length > 0 ? await users.VerifyAsync(name, password, http.RequestAborted) : null;
        if (user is null)
        {
            log.LogWarning("Dashboard login refused for {User}", name.Length <= 128 ? name : name[..128]);
            return Form(http, next, "Incorrect user name or password.", 401);
        }

        var identity = new ClaimsIdentity(SessionAuthenticationHandler.Scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Name));
        foreach (var role in user.Roles) identity.AddClaim(new Claim(ClaimTypes.Role, role));
        await http.SignInAsync(SessionAuthenticationHandler.Scheme, new ClaimsPrincipal(identity));
        return Results.Redirect(IsLocal(next) ? next : Root);
    }

    public static async Task<IResult> LogOut(HttpContext http)
    {
        await http.SignOutAsync(SessionAuthenticationHandler.Scheme);
        return Results.Redirect(Root + "login");
    }

    static IResult Form(HttpContext http, string? next, string? error, int status)
    {
        var body = (error is null ? "" : $"<p class=\"message error\">{E(error)}</p>") +
            $"<form method=\"post\" action=\"{Root}login\" class=\"login\">{TokenField(http)}" +
            $"<input type=\"hidden\" name=\"next\" value=\"{E(IsLocal(next) ? next : Root)}\">" +
            "<label>User name <input name=\"username\" autocomplete=\"username\" required></label>" +
            "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>" +
            "<button type=\"submit\">Log in</button></form>" +
            "<p class=\"note\">Users with the <b>admin</b> role only.</p>";
        return Page(http, "Log in", body, status);
    }

    // An open redirect would let a link to this login page send the operator anywhere afterwards.
    static bool IsLocal(string? next) =>
        !string.IsNullOrEmpty(next) && next.StartsWith(Root, StringComparison.Ordinal) && !next.Contains("//", StringComparison.Ordinal) && !next.Contains('\\');
}
