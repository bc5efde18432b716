using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>
/// Work messages received ahead of the pulls that will hand them out, so a grader that pulls again and again finds
/// its next submission here instead of waiting for a receive: one receive serves many pulls. Only as many are taken
/// ahead as this instance's graders pull in a quarter second, and only when they pull several times a second, so
/// graders on other instances are not kept waiting. A message is taken with <see cref="Slack"/> more visibility than
/// the processing delay and handed out within it, so every grader's lease is at least the delay (and at most a second
/// longer: an unanswered submission taken ahead comes back up to a second after the delay). One not handed out
/// in time is given back with one more skip in its text (<see cref="WorkMessage.Skipped"/>): the pulls the poison
/// rule counts are the receives that handed something out. At shutdown all are given back.
/// </summary>
public sealed class WorkPrefetch(TimeProvider time, ILogger<WorkPrefetch> log) : BackgroundService
{
    /// <summary>The extra visibility of a message taken ahead, and how long it may wait here.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    sealed record TakenAhead(QueueClient Queue, QueueMessage Message, DateTimeOffset TakenAt);

    sealed class PerQueue
    {
        public readonly Queue<TakenAhead> Waiting = new();
        public readonly Queue<DateTimeOffset> Pulls = new();
        public readonly List<Task> Receiving = [];
    }

    readonly Dictionary<string, PerQueue> queues = new(StringComparer.Ordinal);

    /// <summary>Up to <paramref name="max"/> messages taken ahead for this queue and still within their slack.</summary>
    public IReadOnlyList<QueueMessage> Take(string workQueue, int max)
    {
        var taken = new List<QueueMessage>();
        var now = time.GetUtcNow();
        lock (queues)
        {
            var state = State(workQueue);
            while (taken.Count < max && state.Waiting.TryPeek(out var next) && now - next.TakenAt < Slack)
            {
                taken.Add(state.Waiting.Dequeue().Message);
            }
        }
        return taken;
    }

    /// <summary>A grader pulls from this queue here: the rate that sizes the receives ahead.</summary>
    public void Pulled(string workQueue)
    {
        var now = time.GetUtcNow();
        lock (queues)
        {
            var pulls = State(workQueue).Pulls;
            pulls.Enqueue(now);
            while (pulls.TryPeek(out var oldest) && now - oldest > RateWindow) pulls.Dequeue();
        }
    }

    /// <summary>How many to receive beyond a single pull's one: a quarter second of this instance's pulls (none below eight a second).</summary>
    public int Ahead(string workQueue)
    {
        lock (queues) return Math.Clamp(State(workQueue).Pulls.Count / 4 - 1, 0, GraderPulls.MaxPerPull - 1);
    }

    /// <summary>
    /// One receive for a pull: the first <paramref name="wanted"/> messages are the pull's, and <paramref name="ahead"/>
    /// more, taken with <see cref="Slack"/> added to their visibility, are kept here for the next pulls.
    /// </summary>
    /// <returns>Everything received; the caller hands out the first <paramref name="wanted"/>.</returns>
    public async Task<QueueMessage[]> ReceiveAsync(QueueClient queue, int wanted, int ahead, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (ahead == 0) return await queue.LeaseAsync(wanted, delay, cancellationToken);
        var kept = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (queues) State(queue.Name).Receiving.Add(kept.Task);
        try
        {
            var received = await queue.LeaseAsync(wanted + ahead, delay + Slack, cancellationToken);
            Keep(queue, received.Skip(wanted));
            return received;
        }
        finally
        {
            lock (queues) State(queue.Name).Receiving.Remove(kept.Task);
            kept.SetResult();
        }
    }

    /// <summary>
    /// For a pull whose receive found nothing visible: a concurrent receive here may just have taken the queue's last
    /// messages ahead, so wait for the receives under way and take from what they kept.
    /// </summary>
    public async Task<IReadOnlyList<QueueMessage>> TakeAfterReceivesAsync(string workQueue, int max, CancellationToken cancellationToken)
    {
        Task[] receiving;
        lock (queues) receiving = [.. State(workQueue).Receiving];
        if (receiving.Length > 0) await Task.WhenAll(receiving).WaitAsync(cancellationToken);
        return Take(workQueue, max);
    }

    void Keep(QueueClient queue, IEnumerable<QueueMessage> messages)
    {
        var now = time.GetUtcNow();
        lock (queues)
        {
            foreach (var message in messages) State(queue.Name).Waiting.Enqueue(new TakenAhead(queue, message, now));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Slack / 4, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await GiveBackAsync(time.GetUtcNow() - Slack, stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await GiveBackAsync(DateTimeOffset.MaxValue, cancellationToken);
    }

    // Visible again at once, one more skip in its text; a receipt gone stale means the message is someone else's already.
    async Task GiveBackAsync(DateTimeOffset takenBefore, CancellationToken cancellationToken)
    {
        List<TakenAhead> expired = [];
        lock (queues)
        {
            foreach (var state in queues.Values)
            {
                while (state.Waiting.TryPeek(out var next) && next.TakenAt < takenBefore) expired.Add(state.Waiting.Dequeue());
            }
        }
        foreach (var ahead in expired)
        {
            try
            {
                var text = WorkMessage.OneMoreSkip(ahead.Message.Body.ToString());
                await ahead.Queue.UpdateMessageAsync(ahead.Message.MessageId, ahead.Message.PopReceipt, text, TimeSpan.Zero, cancellationToken);
            }
            catch (RequestFailedException e)
            {
                log.LogInformation("A work message taken ahead on {Queue} was not given back ({Status}); it comes back after its lease", ahead.Queue.Name, e.Status);
            }
        }
    }

    PerQueue State(string workQueue)
    {
        if (!queues.TryGetValue(workQueue, out var state)) queues[workQueue] = state = new PerQueue();
        return state;
    }
}
