using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using XQueue.Functions.Legacy;

namespace XQueue.Functions.Auth;

/// <summary>
/// A principal without the right gets 403 in the legacy envelope (both legacy clients back off on it);
/// a missing credential keeps the scheme's own challenge (the session's 302, a token's 401).
/// </summary>
public sealed class LegacyAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    public const string NotAllowed = "Not allowed";

    readonly AuthorizationMiddlewareResultHandler standard = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden && http.User.Identity?.IsAuthenticated == true && http.Request.Path.StartsWithSegments("/xqueue"))
        {
            await LegacyReply.Error(NotAllowed, StatusCodes.Status403Forbidden).ExecuteAsync(http);
            return;
        }
        await standard.HandleAsync(next, http, policy, result);
    }
}
