using Azure.Core;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Storage;

/// <summary>
/// Azure.Core's retry, bounded by time instead of a fixed count: a call is retried (what Azure.Core deems retriable,
/// exponential delays from 100 ms up to 1 s with jitter) while its <see cref="StoragePatience"/> lasts: a call gives
/// up at most one delay (1 s) and one attempt after its patience ran out. A submit thus rides out throttling within the LMS's 10 s, a put_result keeps
/// the graded work for seconds, and a pull fails fast (its grader polls again anyway).
/// </summary>
public sealed class PatientRetryPolicy() : RetryPolicy(MaxRetries, DelayStrategy.CreateExponentialDelayStrategy(FirstDelay, MaxDelay))
{
    // Time bounds the retries; the count is only a backstop (30 s of patience at the 1 s cap is about 35 attempts).
    const int MaxRetries = 40;
    static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    protected override ValueTask OnSendingRequestAsync(HttpMessage message)
    {
        StoragePatience.Stamp(message);
        return base.OnSendingRequestAsync(message);
    }

    protected override void OnSendingRequest(HttpMessage message)
    {
        StoragePatience.Stamp(message);
        base.OnSendingRequest(message);
    }

    protected override async ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        await base.ShouldRetryAsync(message, exception) && StoragePatience.Left(message) > TimeSpan.Zero;

    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        base.ShouldRetry(message, exception) && StoragePatience.Left(message) > TimeSpan.Zero;
}
