namespace XQueue.Functions.Configuration;

/// <summary>
/// <c>XQueue:LongPoll</c>: graders that poll with <c>wait=</c>. Work submitted to this instance wakes them at
/// once; work they cannot hear of (submitted to another instance, or a lease that ran out) is found by a look
/// at the queue every <see cref="Recheck"/>.
/// </summary>
public sealed class LongPollOptions
{
    /// <summary>The longest <c>wait=</c> a grader may ask for, in seconds.</summary>
    public const double MaxWaitSeconds = 20;

    /// <summary>Time between two looks at the queue while a long-poll waits; each look is one storage call.</summary>
    public TimeSpan Recheck { get; set; } = TimeSpan.FromSeconds(5);

    public void Validate(XQueueOptions options, List<string> errors)
    {
        if (Recheck < TimeSpan.FromMilliseconds(100) || Recheck > TimeSpan.FromSeconds(MaxWaitSeconds))
        {
            errors.Add($"XQueue:LongPoll:Recheck must be between 00:00:00.100 and 00:00:20 (got {Recheck}).");
        }
    }
}
