using Microsoft.Azure.Functions.Worker;
using XQueue.Functions.Auth;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Legacy;

/// <summary>login, logout and status: open to all, any method (as the original's Django views).</summary>
public sealed class SessionFunctions(UserStore users, LoginThrottle throttle)
{
    // The LMS logs in before it submits, within the same 10 s; a watcher that fails to log in waits 5 s to try again.
    [Function("Login")]
    [StoragePatience(3)]
    public Task<IResult> Login([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/login/")] HttpRequest request) =>
        SessionEndpoints.Login(request.HttpContext, users, throttle);

    [Function("Logout")]
    public Task<IResult> Logout([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/logout/")] HttpRequest request) =>
        SessionEndpoints.Logout(request.HttpContext);

    [Function("Status")]
    public IResult Status([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/status/")] HttpRequest request) =>
        SessionEndpoints.Status();
}
