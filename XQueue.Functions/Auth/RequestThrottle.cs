using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Auth;

/// <summary>
/// The request limits a function names with [EnableRateLimiting]: one partitioned limiter per group, built from
/// XQueue:Throttling. ASP.NET Core's rate-limiting middleware keeps its policies to itself and does not run in
/// the Functions worker's pipeline, so the limiters live here and both modes ask them.
/// </summary>
public sealed class RequestThrottle : IDisposable
{
    readonly Dictionary<string, PartitionedRateLimiter<HttpContext>> limiters;

    public RequestThrottle(IOptions<XQueueOptions> options)
    {
        var throttling = options.Value.Throttling;
        limiters = new(StringComparer.Ordinal)
        {
            [Throttling.Polls] = PartitionedRateLimiter.Create<HttpContext, string>(http => Throttling.PerPrincipal(http, throttling.Polls)),
            [Throttling.Submits] = PartitionedRateLimiter.Create<HttpContext, string>(http => Throttling.PerPrincipal(http, throttling.Submits)),
        };
    }

    /// <summary>A lease for one request of <paramref name="group"/>; not acquired means answer 429.</summary>
    public ValueTask<RateLimitLease> AcquireAsync(HttpContext http, string group) =>
        limiters.TryGetValue(group, out var limiter)
            ? limiter.AcquireAsync(http, 1, http.RequestAborted)
            : throw new InvalidOperationException($"No throttling group '{group}'.");

    public void Dispose()
    {
        foreach (var limiter in limiters.Values) limiter.Dispose();
    }
}
