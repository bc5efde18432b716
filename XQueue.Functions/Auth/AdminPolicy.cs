using Microsoft.AspNetCore.Authorization;

namespace XQueue.Functions.Auth;

/// <summary>
/// Who may use the operator dashboard: a signed-in user holding the <c>admin</c> role. One policy, so
/// every way of proving that role (today the session; bearer tokens later) is granted in one place.
/// </summary>
public static class AdminPolicy
{
    public const string Name = "xqueue-admin";

    public static AuthorizationBuilder AddAdminPolicy(this AuthorizationBuilder authorization) =>
        authorization.AddPolicy(Name, policy => policy
            .AddAuthenticationSchemes(SessionAuthenticationHandler.Scheme)
            .RequireAuthenticatedUser()
            .RequireRole(Roles.Admin));
}
