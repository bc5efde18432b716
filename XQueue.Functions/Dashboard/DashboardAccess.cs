using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using XQueue.Functions.Auth;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// How a refused dashboard request is answered: a browser without a session goes to the dashboard's own
/// login form (the legacy /xqueue/login/ answers JSON for the LMS and graders), a signed-in user without
/// the admin role gets a 403 page. Every other endpoint is answered as the Auth room answers it.
/// </summary>
public sealed class DashboardAccess : IAuthorizationMiddlewareResultHandler
{
    readonly LegacyAuthorizationResults fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Succeeded || !http.Request.Path.StartsWithSegments(Layout.Root.TrimEnd('/')))
        {
            await fallback.HandleAsync(next, http, policy, result);
            return;
        }
        if (result.Challenged || http.User.Identity?.IsAuthenticated != true)
        {
            var back = http.Request.Path + http.Request.QueryString;
            http.Response.Redirect($"{Layout.Root}login?next={Uri.EscapeDataString(back)}");
            return;
        }
        await new PageResult<NotAllowedPage>(status: StatusCodes.Status403Forbidden).ExecuteAsync(http);
    }
}
