namespace XQueue.Functions.Configuration;

/// <summary>
/// <c>XQueue:MaxLease</c> (and <c>XQueue:Queues:&lt;name&gt;:MaxLease</c>): how long after its pull a grader
/// may keep a submission by extending its lease. Bounded so that a grader that extends forever cannot hold a
/// learner's submission forever.
/// </summary>
public static class LeaseLimit
{
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(30);

    // The longest visibility timeout Update Message accepts.
    static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    /// <summary>The queue's own limit, else the global one, else 30 minutes (or the processing delay when that is longer).</summary>
    public static TimeSpan MaxLeaseOf(this XQueueOptions options, string queueName) =>
        options.Queues.TryGetValue(queueName, out var queue) && queue.MaxLease is { } own ? own
        : options.MaxLease ?? Max(Default, options.ProcessingDelayOf(queueName));

    public static void Validate(XQueueOptions options, List<string> errors)
    {
        if (options.MaxLease is { } global)
        {
            var longestDelay = options.Queues
                .Where(queue => queue.Value.MaxLease is null)
                .Select(queue => options.ProcessingDelayOf(queue.Key))
                .Append(options.ProcessingDelay)
                .Max();
            Check(global, longestDelay, "XQueue:MaxLease", "the largest processing delay", errors);
        }
        foreach (var (name, queue) in options.Queues)
        {
            if (queue.MaxLease is { } own) Check(own, options.ProcessingDelayOf(name), $"XQueue:Queues:{name}:MaxLease", "the queue's processing delay", errors);
        }
    }

    static void Check(TimeSpan value, TimeSpan atLeast, string key, string what, List<string> errors)
    {
        if (value < atLeast || value > MaxVisibility)
        {
            errors.Add($"{key} must be at least {what} ({atLeast}) and at most {MaxVisibility} (got {value}).");
        }
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
