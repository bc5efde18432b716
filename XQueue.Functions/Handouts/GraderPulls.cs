using XQueue.Functions.Storage;
using System.Runtime.ExceptionServices;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Handouts;

/// <summary>
/// get_submission and get_submissions: one receive of up to n work messages with visibility = the processing
/// delay (so an unanswered pull reappears by itself), each handed out by <see cref="Handout"/>, all at once. Nothing is
/// received ahead of a pull: a message this instance took and never handed out would come back counted as a pull.
/// A look that finds no message asks the backlog (one table query, which also moves the oldest rows in) and looks
/// once more before it answers "empty": no belief of this instance's, and no refill between the two, can hide a
/// submission waiting there. With a wait (long-poll) the
/// queue is looked at again whenever this instance announces work on it (<see cref="WorkArrivals"/>), every
/// <c>XQueue:LongPoll:Recheck</c>, and once more at the deadline, until something is handed out.
/// </summary>
public sealed class GraderPulls(
    QueueCatalog catalog, Handout handout, QueueWindow window, QueueLength length, BacklogRefill refill, WorkArrivals arrivals,
    TimeProvider time)
{
    /// <summary>Most submissions one bulk pull hands out: one Storage Queue receive takes at most 32 messages.</summary>
    public const int MaxPerPull = 32;

    // Stale messages (superseded, finished, orphaned) are dropped as they come up; bound the work one look may do.
    const int StaleMessagesPerLook = 15;

    public async Task<PulledSubmission?> PullAsync(string queueName, string? graderUser, string? graderAddress, CancellationToken cancellationToken = default) =>
        (await PullAsync(queueName, 1, new Grader(graderUser, graderAddress), TimeSpan.Zero, cancellationToken)).SingleOrDefault();

    /// <summary>Up to <paramref name="count"/> submissions, oldest first; empty when none came within <paramref name="wait"/>.</summary>
    /// <exception cref="SubmissionUnreadableException">Nothing could be handed out and a submission's body could not be read.</exception>
    public async Task<IReadOnlyList<PulledSubmission>> PullAsync(
        string queueName, int count, Grader grader, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxPerPull);
        if (wait <= TimeSpan.Zero) return await LookAsync(queueName, count, grader, cancellationToken);

        var deadline = time.GetUtcNow() + wait;
        // Watching starts before each look, so work announced between a look and the wait is not missed.
        var watch = arrivals.StartWatching(queueName);
        try
        {
            while (true)
            {
                var pulled = await LookAsync(queueName, count, grader, cancellationToken);
                var left = deadline - time.GetUtcNow();
                if (pulled.Count > 0 || left <= TimeSpan.Zero) return pulled;
                var recheck = catalog.Options.LongPoll.Recheck;
                if (await watch.WaitAsync(left <= recheck ? left : recheck, time, cancellationToken))
                {
                    // An announcement takes the watch off the list: watch anew before looking.
                    watch.Dispose();
                    watch = arrivals.StartWatching(queueName);
                }
                // Work may have come through another instance, which announces nothing here: the answer at the
                // deadline comes from a look made then.
            }
        }
        finally
        {
            watch.Dispose();
        }
    }

    async Task<IReadOnlyList<PulledSubmission>> LookAsync(string queueName, int count, Grader grader, CancellationToken cancellationToken)
    {
        var work = catalog.WorkQueue(queueName);
        var delay = catalog.ProcessingDelay(queueName);
        var handed = new List<PulledSubmission>();
        SubmissionUnreadableException? unreadable = null;
        var budget = count + StaleMessagesPerLook;
        var backlogAsked = false;
        while (handed.Count == 0 && budget > 0)
        {
            var wanted = Math.Min(count, budget);
            var messages = await work.LeaseAsync(wanted, delay, cancellationToken);
            foreach (var _ in messages) window.Received(queueName);
            if (messages.Length == 0)
            {
                // The window ran dry before a refill caught up, or another instance spilled: move some in now
                // rather than tell the grader the queue is empty. Then the queue is looked at once more, whatever the
                // backlog said: a refill (here or on another instance) may have moved the last rows in after the look
                // and before the backlog was read, and neither of the two would have seen them. Once per look.
                if (backlogAsked) break;
                backlogAsked = true;
                await refill.RefillNowAsync(queueName, cancellationToken);
                continue;
            }
            budget -= messages.Length;

            var binds = messages.Select(message => handout.BindAsync(work, message, grader, cancellationToken)).ToList();
            foreach (var bind in binds)
            {
                try
                {
                    if (await bind is { } pulled) handed.Add(pulled);
                }
                catch (SubmissionUnreadableException e)
                {
                    // The others are handed out; this one comes back after the delay.
                    unreadable ??= e;
                }
            }
        }
        if (handed.Count > 0)
        {
            length.Left(queueName, handed.Count);
            refill.RefillIfLow(queueName);
        }
        else if (unreadable is not null) ExceptionDispatchInfo.Throw(unreadable);
        return handed;
    }
}
