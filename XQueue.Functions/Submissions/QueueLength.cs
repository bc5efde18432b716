using XQueue.Functions.Storage;
namespace XQueue.Functions.Submissions;

/// <summary>
/// Submissions waiting to be pulled: the queue's message count minus those a grader holds, plus the
/// submissions waiting in its backlog. Each count also refreshes this instance's <see cref="QueueWindow"/>.
/// </summary>
public sealed class QueueLength(QueueCatalog catalog, InflightIndex inflight, Backlog backlog, QueueWindow window)
{
    readonly Dictionary<string, Task<int>> backlogCounts = new(StringComparer.Ordinal);

    public async Task<int> WaitingAsync(string queueName, CancellationToken cancellationToken = default)
    {
        var messages = MessagesWaitingAsync(queueName, cancellationToken);
        var backlogged = BacklogCountAsync(queueName);
        return await messages + await backlogged;
    }

    /// <summary>Messages a grader could take now; the backlog is not included.</summary>
    public async Task<int> MessagesWaitingAsync(string queueName, CancellationToken cancellationToken = default) =>
        (await MessagesAsync(queueName, cancellationToken)).Waiting;

    /// <summary>For the dashboard: waiting (backlog included), held by a grader, and of those waiting in the backlog, from the same counts.</summary>
    public async Task<(int Waiting, int InFlight, int Backlogged)> WaitingAndInFlightAsync(string queueName, CancellationToken cancellationToken = default)
    {
        var messages = MessagesAsync(queueName, cancellationToken);
        var backlogged = BacklogCountAsync(queueName);
        var (waiting, held) = await messages;
        var inBacklog = await backlogged;
        return (waiting + inBacklog, held, inBacklog);
    }

    async Task<(int Waiting, int Held)> MessagesAsync(string queueName, CancellationToken cancellationToken)
    {
        var work = catalog.WorkQueue(queueName);
        var total = work.ApproximateCountAsync(cancellationToken);
        var held = inflight.CountLiveAsync(work.Name, cancellationToken);
        var waiting = Math.Max(0, await total - await held);
        window.MessagesWaiting(queueName, waiting);
        return (waiting, await held);
    }

    // Below the window the backlog is known to be empty and no query is made. Otherwise concurrent submits
    // share one count (it reads every row), and its result serves for a second.
    Task<int> BacklogCountAsync(string queueName)
    {
        if (window.KnownBacklog(queueName) is { } known) return Task.FromResult(known);
        lock (backlogCounts)
        {
            if (!backlogCounts.TryGetValue(queueName, out var counting))
            {
                // Started off this thread, so it cannot finish (and forget itself) before it is remembered.
                counting = Task.Run(() => CountAsync(queueName));
                backlogCounts[queueName] = counting;
            }
            return counting;
        }
    }

    async Task<int> CountAsync(string queueName)
    {
        try
        {
            var spills = window.Spills(queueName);
            var count = await backlog.CountAsync(catalog.WorkQueue(queueName).Name);
            window.BacklogCounted(queueName, count, spills);
            return count;
        }
        finally
        {
            lock (backlogCounts) backlogCounts.Remove(queueName);
        }
    }
}
