using XQueue.Functions.Auth;

namespace XQueue.Functions.Legacy;

/// <summary>
/// One legacy endpoint: its Functions function name, its route (no slashes around it), its handler, the
/// authorization policy it requires (none: open to all) and the throttling policy it counts against.
/// </summary>
public sealed record LegacyFunction(string Name, string Route, Delegate Handler, string? Policy = null, string? Throttle = null);

/// <summary>The legacy route table. The Functions folders (function.json) are generated from the same list.</summary>
public static class LegacyEndpoints
{
    public static readonly IReadOnlyList<LegacyFunction> Functions =
    [
        new("Login", "xqueue/login", SessionEndpoints.Login),
        new("Logout", "xqueue/logout", SessionEndpoints.Logout),
        new("Status", "xqueue/status", SessionEndpoints.Status),
        new("Submit", "xqueue/submit", QueueEndpoints.Submit, EndpointPolicies.Submit, Throttling.Submits),
        new("GetQueueLen", "xqueue/get_queuelen", QueueEndpoints.GetQueueLen, EndpointPolicies.Grade, Throttling.Polls),
        new("GetSubmission", "xqueue/get_submission", GraderEndpoints.GetSubmission, EndpointPolicies.Grade, Throttling.Polls),
        new("PutResult", "xqueue/put_result", GraderEndpoints.PutResult, EndpointPolicies.Grade),
        new("GetSubmissions", "xqueue/get_submissions", GraderEndpoints.GetSubmissions, EndpointPolicies.Grade, Throttling.Polls),
        new("PutResults", "xqueue/put_results", PutResultsEndpoint.PutResults, EndpointPolicies.Grade),
        new("ExtendLease", "xqueue/extend_lease", ExtendLeaseEndpoint.ExtendLease, EndpointPolicies.Grade),
    ];

    /// <summary>
    /// Maps every function for every method, as Django views answer any method. Routing matches the path
    /// with or without its trailing slash (the original redirects slashless URLs; answering serves both).
    /// </summary>
    public static IEndpointRouteBuilder MapLegacyEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var function in Functions)
        {
            var endpoint = app.Map($"/{function.Route}/", function.Handler).WithName(function.Name);
            if (function.Policy is not null) endpoint.RequireAuthorization(function.Policy);
            if (function.Throttle is not null) endpoint.RequireRateLimiting(function.Throttle);
        }
        return app;
    }
}
