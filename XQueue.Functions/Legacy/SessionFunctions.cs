using Microsoft.Azure.Functions.Worker;
using XQueue.Functions.Auth;

namespace XQueue.Functions.Legacy;

/// <summary>login, logout and status: open to all, any method (as the original's Django views).</summary>
public sealed class SessionFunctions(UserStore users, LoginThrottle throttle)
{
    [Function("Login")]
    public Task<IResult> Login([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/login/")] HttpRequest request) =>
        SessionEndpoints.Login(request.HttpContext, users, throttle);

    [Function("Logout")]
    public Task<IResult> Logout([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/logout/")] HttpRequest request) =>
        SessionEndpoints.Logout(request.HttpContext);

    [Function("Status")]
    public IResult Status([HttpTrigger(AuthorizationLevel.Anonymous, Route = "xqueue/status/")] HttpRequest request) =>
        SessionEndpoints.Status();
}
