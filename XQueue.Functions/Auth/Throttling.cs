using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Legacy;

namespace XQueue.Functions.Auth;

/// <summary>
/// Request limits per principal and endpoint group, per instance (XQueue:Throttling). Over the limit the answer
/// is 429 with Retry-After in the legacy envelope: xqueue-watcher treats any non-200 as a failed poll and
/// sleeps before the next one; the LMS gives the learner up ("Unable to deliver your submission to grader"),
/// which is why the submit limit is off unless an operator sets one. Runs after authorization, so every
/// partition belongs to an authenticated principal.
/// </summary>
public static class Throttling
{
    public const string Polls = "polls";
    public const string Submits = "submits";
    public const string TooMany = "Too many requests, please slow down";

    public static IServiceCollection AddThrottling(this IServiceCollection services) => services.AddSingleton<RequestThrottle>();

    /// <summary>429 with a whole-second Retry-After (rounded up, at least 1) and the legacy envelope.</summary>
    public static async ValueTask Reject(HttpContext http, TimeSpan retryAfter, string message, CancellationToken cancellationToken)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        http.Response.ContentType = LegacyReply.ContentType;
        await http.Response.WriteAsync(LegacyReply.Body(1, message), cancellationToken);
    }

    /// <summary>A token bucket: <c>Limit</c> at once, refilled by <c>Limit</c> every <c>Window</c>.</summary>
    public static TokenBucketRateLimiterOptions Bucket(RateOptions rate, int tokensPerPeriod) => new()
    {
        TokenLimit = rate.Limit,
        TokensPerPeriod = tokensPerPeriod,
        ReplenishmentPeriod = rate.Window / (rate.Limit / tokensPerPeriod),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>One bucket per principal (authentication kind and name); <c>Limit</c> 0 is no limit.</summary>
    public static RateLimitPartition<string> PerPrincipal(HttpContext http, RateOptions rate)
    {
        if (rate.Limit <= 0) return RateLimitPartition.GetNoLimiter("");
        var principal = (http.User.Identity?.AuthenticationType ?? "") + "/" + (http.User.Identity?.Name ?? "");
        return RateLimitPartition.GetTokenBucketLimiter(principal, _ => Bucket(rate, rate.Limit));
    }
}
