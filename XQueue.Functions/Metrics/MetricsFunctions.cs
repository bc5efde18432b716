using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using XQueue.Functions.Auth;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Metrics;

/// <summary>
/// GET /xqueue/metrics/ for operators and scrapers: admins only (session role <c>admin</c> or scope
/// <c>xqueue:admin</c>); anyone else is answered as on the legacy endpoints (403 in the legacy envelope, or the
/// credential's own challenge).
/// </summary>
public sealed class MetricsFunctions(OverviewSnapshot snapshot, ServiceLatencies latencies, XQueueMetrics metrics, InstanceIdentity instance)
{
    [Function("Metrics")]
    [Authorize(EndpointPolicies.Admin)]
    public async Task<IResult> Show([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "xqueue/metrics/")] HttpRequest request)
    {
        var figures = snapshot.ReadAsync(request.HttpContext.RequestAborted);
        var percentiles = latencies.ReadAsync(request.HttpContext.RequestAborted);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return Results.Json(MetricsReport.Of(await figures, await percentiles, metrics.Recent, instance), MetricsJson.Default.MetricsReport);
    }
}
