using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using XQueue.Functions.Auth;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// The dashboard's HTML login: the same users and the same session cookie as /xqueue/login/ (which answers
/// the LMS and graders in JSON), with an antiforgery token. Only a local path is accepted as "next".
/// </summary>
public partial class LoginPage
{
    public static IResult Show(string? next) => Form(next, null, StatusCodes.Status200OK);

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
            return Form(next, "Incorrect user name or password.", StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity(SessionAuthenticationHandler.Scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Name));
        foreach (var role in user.Roles) identity.AddClaim(new Claim(ClaimTypes.Role, role));
        await http.SignInAsync(SessionAuthenticationHandler.Scheme, new ClaimsPrincipal(identity));
        return Results.Redirect(IsLocal(next) ? next : Layout.Root);
    }

    public static async Task<IResult> LogOut(HttpContext http)
    {
        await http.SignOutAsync(SessionAuthenticationHandler.Scheme);
        return Results.Redirect(Layout.Root + "login");
    }

    static IResult Form(string? next, string? error, int status) =>
        new PageResult<LoginPage>(new { Next = IsLocal(next) ? next : Layout.Root, Error = error }, status);

    // An open redirect would let a link to this login page send the operator anywhere afterwards.
    static bool IsLocal(string? next) =>
        !string.IsNullOrEmpty(next) && next.StartsWith(Layout.Root, StringComparison.Ordinal) && !next.Contains("//", StringComparison.Ordinal) && !next.Contains('\\');
}
