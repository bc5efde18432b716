using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Diagnostics;
using XQueue.Functions.Auth;
using XQueue.Functions.Dashboard;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Hosting;

/// <summary>
/// What runs around every HTTP function, in both modes and from this one place (ASP.NET Core middleware does not
/// run in the Functions worker's pipeline): authentication, the function's [Authorize] policy answered as
/// ASP.NET Core's authorization middleware answers it (through the app's result handler: the session's 302, a
/// token's 401, the legacy 403), its [EnableRateLimiting] group, its [RequireAntiforgeryToken] check, and the
/// legacy envelope for a failure (503 when storage is unreachable); and the patience of its storage calls, for
/// everything the request does, authentication included.
/// </summary>
public sealed class FunctionGate(
    IAuthorizationPolicyProvider policies, IPolicyEvaluator evaluator, IAuthorizationMiddlewareResultHandler results,
    RequestThrottle throttle, FormGuard formGuard, IExceptionHandler failures)
{
    public async Task RunAsync(HttpContext http, FunctionEntry function, Func<HttpContext, Task> run)
    {
        using var patience = StoragePatience.Use(function.Patience ?? StoragePatience.Request);
        try
        {
            // Every request, as the authentication middleware does: open functions read the user too.
            var user = await http.AuthenticateAsync();
            if (user.Principal is { } principal) http.User = principal;

            if (function.Policy is null)
            {
                await AdmittedAsync(http, function, run);
                return;
            }
            var policy = await policies.GetPolicyAsync(function.Policy)
                ?? throw new InvalidOperationException($"Function {function.Name} names an unknown policy '{function.Policy}'.");
            var authenticated = await evaluator.AuthenticateAsync(policy, http);
            var authorized = await evaluator.AuthorizeAsync(policy, authenticated, http, http);
            await results.HandleAsync(_ => AdmittedAsync(http, function, run), http, policy, authorized);
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            if (!await failures.TryHandleAsync(http, e, http.RequestAborted)) throw;
        }
    }

    async Task AdmittedAsync(HttpContext http, FunctionEntry function, Func<HttpContext, Task> run)
    {
        if (function.Throttle is { } group)
        {
            using var lease = await throttle.AcquireAsync(http, group);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                await Throttling.Reject(http, retryAfter, Throttling.TooMany, http.RequestAborted);
                return;
            }
        }
        if (function.Antiforgery && HttpMethods.IsPost(http.Request.Method) && await formGuard.RefusalAsync(http) is { } refusal)
        {
            await refusal.ExecuteAsync(http);
            return;
        }
        await run(http);
    }
}
