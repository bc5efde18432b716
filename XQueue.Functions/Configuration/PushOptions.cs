namespace XQueue.Functions.Configuration;

/// <summary>The <c>XQueue:Push</c> section: how submissions on push queues (a non-empty PushUrl) reach their grader.</summary>
public sealed class PushOptions
{
    /// <summary>Pushes in flight at once, per instance and per push queue (the original: one every 10 s).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Timeout of one POST to the grader, reply included (the original's GRADING_TIMEOUT).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait before the second attempt; doubled for each further one, up to <see cref="RetryMax"/>, with jitter.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle push loop looks at its queue for work this instance was not told of.</summary>
    public TimeSpan Recheck { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Run the push loops in this process. Off: only the PushDispatch timer function pushes (under the
    /// Functions host a timer runs on one instance at a time, so Concurrency then bounds the whole app).
    /// </summary>
    public bool Loops { get; set; } = true;

    public void Validate(XQueueOptions options, List<string> errors)
    {
        void Between(TimeSpan value, TimeSpan min, TimeSpan max, string key)
        {
            if (value < min || value > max) errors.Add($"XQueue:Push:{key} must be between {min} and {max} (got {value}).");
        }

        if (Concurrency is < 1 or > 64) errors.Add($"XQueue:Push:Concurrency must be between 1 and 64 (got {Concurrency}).");
        Between(Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), "Timeout");
        // A work message's visibility is counted in whole seconds, so a shorter backoff would not exist.
        Between(RetryBase, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "RetryBase");
        Between(RetryMax, RetryBase, TimeSpan.FromDays(1), "RetryMax");
        Between(Recheck, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), "Recheck");

        var pushQueues = options.Queues.Where(queue => queue.Value.IsPush).Select(queue => queue.Key).ToList();
        if (pushQueues.Count > 0 && options.MaxFailures < 1)
        {
            errors.Add($"XQueue:MaxFailures must be at least 1 when a push queue is declared: it is the number of push attempts (got {options.MaxFailures}).");
        }
        foreach (var queue in pushQueues)
        {
            // The push runs inside the pull's lease (the processing delay); the result must be recorded before
            // the lease ends, or the submission is handed out again and its reply refused as superseded.
            var delay = options.ProcessingDelayOf(queue);
            if (Timeout > delay / 2)
            {
                errors.Add($"XQueue:Push:Timeout ({Timeout}) must be at most half of the processing delay of push queue '{queue}' " +
                    $"({delay}; XQueue:Queues:{queue}:ProcessingDelay or XQueue:ProcessingDelay), so a push ends well within its lease.");
            }
        }
    }
}
