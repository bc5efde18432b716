using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Auth;

/// <summary>
/// Slows password guessing without locking anyone out for good: failed logins spend tokens from two buckets,
/// one per user name and one per client address (XQueue:Throttling:LoginFailures). While either is empty, a
/// login is refused before the password is checked; the buckets refill steadily, so the real user gets in
/// again within Window ÷ Limit once the guessing stops. Successful logins spend nothing.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    readonly PartitionedRateLimiter<string>? perUser;
    readonly PartitionedRateLimiter<string>? perAddress;

    public LoginThrottle(IOptions<XQueueOptions> options)
    {
        var rate = options.Value.Throttling.LoginFailures;
        if (rate.Limit <= 0) return;
        perUser = Limiter(rate);
        perAddress = Limiter(rate);
    }

    /// <returns>Null when the attempt may go ahead; otherwise how long to wait.</returns>
    public TimeSpan? Check(string userName, string address)
    {
        if (perUser is null || perAddress is null) return null;
        TimeSpan? wait = null;
        foreach (var lease in new[] { perUser.AttemptAcquire(userName, 0), perAddress.AttemptAcquire(address, 0) })
        {
            using (lease)
            {
                if (lease.IsAcquired) continue;
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                wait = wait is { } longer && longer > retryAfter ? longer : retryAfter;
            }
        }
        return wait;
    }

    public void Failed(string userName, string address)
    {
        perUser?.AttemptAcquire(userName).Dispose();
        perAddress?.AttemptAcquire(address).Dispose();
    }

    public void Dispose()
    {
        perUser?.Dispose();
        perAddress?.Dispose();
    }

    static PartitionedRateLimiter<string> Limiter(RateOptions rate) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => Throttling.Bucket(rate, 1)));
}
