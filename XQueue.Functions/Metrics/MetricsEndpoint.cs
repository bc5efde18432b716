using XQueue.Functions.Auth;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Metrics;

/// <summary>
/// GET /xqueue/metrics/ for operators and scrapers: admins only (session role <c>admin</c> or scope
/// <c>xqueue:admin</c>); anyone else is answered as on the legacy endpoints (403 in the legacy envelope, or the
/// credential's own challenge).
/// </summary>
public static class MetricsEndpoint
{
    public static readonly IReadOnlyList<(string Name, string Route)> Functions = [("Metrics", "xqueue/metrics")];

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/xqueue/metrics/", Show).RequireAuthorization(EndpointPolicies.Admin);
        return app;
    }

    static async Task<IResult> Show(HttpContext http, OverviewSnapshot snapshot, XQueueMetrics metrics, InstanceIdentity instance)
    {
        var figures = await snapshot.ReadAsync(http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(MetricsReport.Of(figures, metrics.Recent, instance), MetricsJson.Default.MetricsReport);
    }
}
