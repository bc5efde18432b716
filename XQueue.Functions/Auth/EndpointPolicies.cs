using Microsoft.AspNetCore.Authorization;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Auth;

/// <summary>
/// One authorization policy per right, for every credential kind (session cookie or bearer token).
/// The queue itself is checked by the endpoint once it has read the queue name (<see cref="QueueAccess.Allows"/>).
/// </summary>
public static class EndpointPolicies
{
    public const string Submit = "xqueue-submit";
    public const string Grade = "xqueue-grade";

    /// <summary>The dashboard and admin API: session users with role <c>admin</c>, tokens with scope <c>xqueue:admin</c>.</summary>
    public const string Admin = "xqueue-admin";

    public static AuthorizationBuilder AddRightPolicies(this AuthorizationBuilder authorization) => authorization
        .AddPolicy(Submit, Require(Right.Submit))
        .AddPolicy(Grade, Require(Right.Grade))
        .AddPolicy(Admin, Require(Right.Admin));

    static Action<AuthorizationPolicyBuilder> Require(Right right) => policy => policy
        .AddAuthenticationSchemes(CredentialSchemes.Any)
        .RequireAuthenticatedUser()
        .RequireAssertion(context => context.Resource is HttpContext http
            ? http.RequestServices.GetRequiredService<QueueAccess>().Holds(context.User, right)
            : false);
}
