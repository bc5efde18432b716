using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Azure.Functions.Worker;
using XQueue.Functions.Auth;
using XQueue.Functions.Submissions;
using XQueue.Functions.Handouts;
using XQueue.Functions.Replies;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Legacy;

/// <summary>The pull grader's side: single and bulk pulls, single and bulk results, lease extension.</summary>
public sealed class GraderFunctions(
    QueueCatalog catalog, QueueAccess access, GraderPulls pulls, ResultIntake results, GraderLeases leases, ILoggerFactory logs)
{
    // Seconds each storage call may be retried (StoragePatience). A pull fails fast: the grader polls again anyway, and a
    // pull that failed after its receive only hides the message for the processing delay. A result is graded work, and
    // xqueue-watcher takes a put_result that ran past its 1 s timeout for accepted: it is finished however long it takes.
    const double Pull = 1, Result = 10, Extend = 2;

    [Function("GetSubmission")]
    [Authorize(EndpointPolicies.Grade), EnableRateLimiting(Throttling.Polls), StoragePatience(Pull)]
    public Task<IResult> GetSubmission([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/get_submission/")] HttpRequest request) =>
        GraderEndpoints.GetSubmission(request.HttpContext, catalog, access, pulls);

    [Function("GetSubmissions")]
    [Authorize(EndpointPolicies.Grade), EnableRateLimiting(Throttling.Polls), StoragePatience(Pull)]
    public Task<IResult> GetSubmissions([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/get_submissions/")] HttpRequest request) =>
        GraderEndpoints.GetSubmissions(request.HttpContext, catalog, access, pulls);

    [Function("PutResult")]
    [Authorize(EndpointPolicies.Grade), StoragePatience(Result)]
    public Task<IResult> PutResult([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/put_result/")] HttpRequest request) =>
        GraderEndpoints.PutResult(request.HttpContext, results, access, logs);

    [Function("PutResults")]
    [Authorize(EndpointPolicies.Grade), StoragePatience(Result)]
    public Task<IResult> PutResults([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/put_results/")] HttpRequest request) =>
        PutResultsEndpoint.PutResults(request.HttpContext, results, access, logs);

    [Function("ExtendLease")]
    [Authorize(EndpointPolicies.Grade), StoragePatience(Extend)]
    public Task<IResult> ExtendLease([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/extend_lease/")] HttpRequest request) =>
        ExtendLeaseEndpoint.ExtendLease(request.HttpContext, leases, access);
}
