namespace XQueue.Functions.Legacy;

/// <summary>One legacy endpoint: its Functions function name, its route (no slashes around it) and its handler.</summary>
public sealed record LegacyFunction(string Name, string Route, Delegate Handler, bool RequiresSession);

/// <summary>The legacy route table. The Functions folders (function.json) are generated from the same list.</summary>
public static class LegacyEndpoints
{
    public static readonly IReadOnlyList<LegacyFunction> Functions =
    [
        new("Login", "xqueue/login", SessionEndpoints.Login, RequiresSession: false),
        new("Logout", "xqueue/logout", SessionEndpoints.Logout, RequiresSession: false),
        new("Status", "xqueue/status", SessionEndpoints.Status, RequiresSession: false),
        new("Submit", "xqueue/submit", QueueEndpoints.Submit, RequiresSession: true),
        new("GetQueueLen", "xqueue/get_queuelen", QueueEndpoints.GetQueueLen, RequiresSession: true),
        new("GetSubmission", "xqueue/get_submission", GraderEndpoints.GetSubmission, RequiresSession: true),
        new("PutResult", "xqueue/put_result", GraderEndpoints.PutResult, RequiresSession: true),
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
            if (function.RequiresSession) endpoint.RequireAuthorization();
        }
        return app;
    }
}
