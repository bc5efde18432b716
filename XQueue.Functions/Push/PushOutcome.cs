namespace XQueue.Functions.Push;

/// <summary>What one turn of push dispatch on a queue came to.</summary>
public enum PushOutcome
{
    /// <summary>Nothing to push: the queue is empty (or held only stale messages, now dropped).</summary>
    Empty,

    /// <summary>Every push slot of the queue stayed busy for as long as the caller would wait.</summary>
    NoSlot,

    /// <summary>The grader answered 200; its reply is recorded and on its way to the LMS.</summary>
    Graded,

    /// <summary>The attempt failed; the work message comes back after the backoff.</summary>
    Retrying,

    /// <summary>The last attempt failed (or there was none left); the LMS gets the failure notice.</summary>
    Failed,

    /// <summary>The submission was taken over, finished or deleted meanwhile; nothing of this attempt was kept.</summary>
    Superseded,
}
