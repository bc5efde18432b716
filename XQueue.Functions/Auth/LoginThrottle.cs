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
    readonly TimeSpan refill;

    public LoginThrottle(IOptions<XQueueOptions> options)
    {
        var rate = options.Value.Throttling.LoginFailures;
        if (rate.Limit <= 0) return;
        refill = Throttling.Bucket(rate, 1).ReplenishmentPeriod;
        perUser = Limiter(rate);
        perAddress = Limiter(rate);
    }

    /// <returns>Null when the attempt may go ahead; otherwise how long to wait.</returns>
    /// <remarks>
    /// Asks the buckets for whole tokens: a zero-permit acquire would already succeed on the fraction a token
    /// bucket refills continuously, and the failure that follows could then never take a whole one.
    /// </remarks>
    public TimeSpan? Check(string userName, string address)
    {
        if (perUser is null || perAddress is null) return null;
        var spent = perUser.GetStatistics(userName)?.CurrentAvailablePermits < 1 ||
            perAddress.GetStatistics(address)?.CurrentAvailablePermits < 1;
        return spent ? refill : null;
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
