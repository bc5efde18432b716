namespace XQueue.Functions.Delivery;

/// <summary>
/// The wait before the next attempt after <c>failedAttempts</c> failures, for result delivery and push graders
/// alike: <c>first</c>, doubled for each further failure, capped at <c>max</c>, ±20 % jitter, at least a second.
/// </summary>
public static class RetryBackoff
{
    public static TimeSpan After(int failedAttempts, TimeSpan first, TimeSpan max)
    {
        // In seconds as a double, so any number of doublings caps at max instead of overflowing a TimeSpan.
        var capped = Math.Min(first.TotalSeconds * Math.Pow(2, Math.Max(0, failedAttempts - 1)), max.TotalSeconds);
        // Jitter spreads the retries of a whole exam wave after an outage (of the LMS, or of a push grader).
        var jittered = capped * (0.8 + 0.4 * Random.Shared.NextDouble());
        return TimeSpan.FromSeconds(Math.Max(1, jittered));
    }
}
