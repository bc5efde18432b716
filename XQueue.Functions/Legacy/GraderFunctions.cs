using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Azure.Functions.Worker;
using XQueue.Functions.Auth;
using XQueue.Functions.Submissions;
using XQueue.Functions.Handouts;
using XQueue.Functions.Replies;

namespace XQueue.Functions.Legacy;

/// <summary>The pull grader's side: single and bulk pulls, single and bulk results, lease extension.</summary>
public sealed class GraderFunctions(
    QueueCatalog catalog, QueueAccess access, GraderPulls pulls, ResultIntake results, GraderLeases leases, ILoggerFactory logs)
{
    [Function("GetSubmission")]
    [Authorize(EndpointPolicies.Grade), EnableRateLimiting(Throttling.Polls)]
    public Task<IResult> GetSubmission([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/get_submission/")] HttpRequest request) =>
        GraderEndpoints.GetSubmission(request.HttpContext, catalog, access, pulls);

    [Function("GetSubmissions")]
    [Authorize(EndpointPolicies.Grade), EnableRateLimiting(Throttling.Polls)]
    public Task<IResult> GetSubmissions([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/get_submissions/")] HttpRequest request) =>
        GraderEndpoints.GetSubmissions(request.HttpContext, catalog, access, pulls);

    [Function("PutResult")]
    [Authorize(EndpointPolicies.Grade)]
    public Task<IResult> PutResult([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/put_result/")] HttpRequest request) =>
        GraderEndpoints.PutResult(request.HttpContext, results, access, logs);

    [Function("PutResults")]
    [Authorize(EndpointPolicies.Grade)]
    public Task<IResult> PutResults([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/put_results/")] HttpRequest request) =>
        PutResultsEndpoint.PutResults(request.HttpContext, results, access, logs);

    [Function("ExtendLease")]
    [Authorize(EndpointPolicies.Grade)]
    public Task<IResult> ExtendLease([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/extend_lease/")] HttpRequest request) =>
        ExtendLeaseEndpoint.ExtendLease(request.HttpContext, leases, access);
}
