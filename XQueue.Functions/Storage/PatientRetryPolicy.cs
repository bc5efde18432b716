using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Storage;

/// <summary>
/// Azure.Core's retry, bounded by time instead of a fixed count: a call answered with a retriable status (503
/// ServerBusy, 500 OperationTimedOut, …) is retried, with exponential delays from 100 ms up to 1 s with jitter, while
/// its <see cref="StoragePatience"/> lasts: it gives up at most one delay (1 s) and one attempt after that. A call
/// storage did not answer at all is retried twice, 20 ms apart, whatever the patience. A submit thus rides out throttling within the LMS's 10 s, a put_result keeps
/// the graded work for seconds, and a pull fails fast (its grader polls again anyway).
/// </summary>
public sealed class PatientRetryPolicy() : RetryPolicy(MaxRetries, new AnsweredOrNot())
{
    // Time bounds the retries; the count is only a backstop (30 s of patience at the 1 s cap is about 35 attempts).
    const int MaxRetries = 40;
    const int UnansweredRetries = 2;
    static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);
    static readonly TimeSpan UnansweredDelay = TimeSpan.FromMilliseconds(20);

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
        await base.ShouldRetryAsync(message, exception) && Worth(message, exception);

    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        base.ShouldRetry(message, exception) && Worth(message, exception);

    // Storage that answers "busy" is there and asks for patience; storage that does not answer (refused, reset, timed
    // out) is down or cut off, which seconds do not mend: two quick retries, and the caller hears 503 within its
    // timeout (xqueue-watcher's 1 s) instead of waiting out the patience.
    static bool Worth(HttpMessage message, Exception? exception) =>
        exception is null ? StoragePatience.Left(message) > TimeSpan.Zero : message.ProcessingContext.RetryNumber < UnansweredRetries;

    // A dropped pooled connection is mended by the next attempt at once; a refused one is not mended by waiting. The
    // exponential delays are for a service that answered "busy". (Jitter is the inner strategy's alone.)
    sealed class AnsweredOrNot() : DelayStrategy(MaxDelay, jitterFactor: 0)
    {
        readonly DelayStrategy answered = CreateExponentialDelayStrategy(FirstDelay, MaxDelay);

        protected override TimeSpan GetNextDelayCore(Response? response, int retryNumber) =>
            response is null ? UnansweredDelay : answered.GetNextDelay(response, retryNumber);
    }
}
