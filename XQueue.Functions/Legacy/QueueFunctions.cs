using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Azure.Functions.Worker;
using XQueue.Functions.Auth;
using XQueue.Functions.Submissions;
using XQueue.Functions.Intake;
using XQueue.Functions.WorkQueues;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Legacy;

/// <summary>submit (the LMS) and get_queuelen (graders).</summary>
public sealed class QueueFunctions(
    QueueCatalog catalog, SubmissionIntake intake, QueueAccess access, CallbackTargets callbacks, QueueLength queueLength, ILoggerFactory logs)
{
    // The LMS reads a submit's answer for 10 s (edx-platform's XQueue client); three calls one after another, each retried
    // for 2 s (and one more delay of at most 1 s), stay within it, and the learner is not told "Unable to deliver your submission" over a throttled call.
    [Function("Submit")]
    [Authorize(EndpointPolicies.Submit), EnableRateLimiting(Throttling.Submits), StoragePatience(2)]
    public Task<IResult> Submit([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/submit/")] HttpRequest request) =>
        QueueEndpoints.Submit(request.HttpContext, catalog, intake, access, callbacks, logs);

    [Function("GetQueueLen")]
    [Authorize(EndpointPolicies.Grade), EnableRateLimiting(Throttling.Polls)]
    public Task<IResult> GetQueueLen([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/get_queuelen/")] HttpRequest request) =>
        QueueEndpoints.GetQueueLen(request.HttpContext, catalog, access, queueLength);
}
