using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using XQueue.Functions.Auth;
using XQueue.Functions.Configuration;
using XQueue.Functions.Metrics;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// The dashboard's pages and actions, all under /xqueue/dashboard/. Every page and action needs the admin role
/// except the login form and the static files it uses; every POST carries an antiforgery token.
/// </summary>
public sealed class DashboardFunctions(
    OverviewSnapshot overview, AuditLog audit, SubmissionListing listing, QueueCatalog catalog, SubmissionStore store, HeldSubmissions held,
    OperatorActions actions, QueueHistory history, UserStore users, IOptions<XQueueOptions> options, ILogger<UserStore> log)
{
    [Function("Dashboard")]
    [Authorize(EndpointPolicies.Admin)]
    public Task<IResult> Overview([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "xqueue/dashboard/")] HttpRequest request) =>
        OverviewPage.Show(request.HttpContext, overview, history, catalog, audit);

    [Function("DashboardQueue")]
    [Authorize(EndpointPolicies.Admin)]
    public Task<IResult> Queue([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "xqueue/dashboard/queue")] HttpRequest request) =>
        QueuePage.Show(request.HttpContext, catalog, overview, history);

    [Function("DashboardOverviewJson")]
    [Authorize(EndpointPolicies.Admin)]
    public Task<IResult> OverviewJson([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "xqueue/dashboard/api/overview")] HttpRequest request) =>
        OverviewPage.Json(request.HttpContext, overview);

    [Function("DashboardSubmissions")]
    [Authorize(EndpointPolicies.Admin)]
    public Task<IResult> Submissions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "xqueue/dashboard/submissions")] HttpRequest request) =>
        SubmissionListPage.Show(request.HttpContext, listing, catalog);

    [Function("DashboardSubmission")]
    [Authorize(EndpointPolicies.Admin)]
    public Task<IResult> Submission(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "xqueue/dashboard/submissions/{id}")] HttpRequest request, string id) =>
        SubmissionDetailPage.Show(id, request.HttpContext, store, held, audit, options);

    [Function("DashboardFile")]
    [Authorize(EndpointPolicies.Admin)]
    public Task<IResult> File(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "xqueue/dashboard/submissions/{id}/files/{index}")] HttpRequest request,
        string id, string index) =>
        SubmissionDetailPage.Download(id, index, request.HttpContext, store);

    [Function("DashboardActions")]
    [Authorize(EndpointPolicies.Admin), RequireAntiforgeryToken]
    public Task<IResult> Actions([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "xqueue/dashboard/actions")] HttpRequest request) =>
        ActionsEndpoint.Run(request.HttpContext, actions, options);

    [Function("DashboardAssets")]
    public IResult Assets([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "xqueue/dashboard/assets/{file}")] HttpRequest request, string file) =>
        DashboardAssets.Serve(file, request.HttpContext);

    [Function("DashboardLoginForm")]
    public IResult LoginForm([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "xqueue/dashboard/login")] HttpRequest request) =>
        LoginPage.Show(request.Query["next"].ToString() is { Length: > 0 } next ? next : null);

    [Function("DashboardLogIn")]
    [RequireAntiforgeryToken]
    public Task<IResult> LogIn([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "xqueue/dashboard/login")] HttpRequest request) =>
        LoginPage.LogIn(request.HttpContext, users, log);

    [Function("DashboardLogOut")]
    [RequireAntiforgeryToken]
    public Task<IResult> LogOut([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "xqueue/dashboard/logout")] HttpRequest request) =>
        LoginPage.LogOut(request.HttpContext);
}
