using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
namespace XQueue.Functions.WorkQueues;

/// <summary>
/// Submissions waiting to be pulled: the queue's visible messages (or, beyond a peek's reach, its message count minus
/// the live holds), plus the submissions waiting in its backlog. Each count also refreshes this instance's <see cref="QueueWindow"/>.
/// </summary>
public sealed class QueueLength(QueueCatalog catalog, Holds holds, Backlog backlog, QueueWindow window, TimeProvider time)
{
    /// <summary>Submits this close together share one count (see <see cref="PositionAsync"/>).</summary>
    static readonly TimeSpan PositionShared = TimeSpan.FromMilliseconds(250);

    const int PeekMax = 32;

    readonly Dictionary<string, Task<int>> backlogCounts = new(StringComparer.Ordinal);
    readonly Dictionary<string, (Task<int> Count, long Before, DateTimeOffset At)> positions = new(StringComparer.Ordinal);

    // Per queue, on this instance: submissions taken in, and submissions that left it (handed out, or retired while waiting).
    readonly Dictionary<string, long> submitted = new(StringComparer.Ordinal);
    readonly Dictionary<string, long> left = new(StringComparer.Ordinal);

    /// <summary>
    /// The length a submit replies with, which the LMS shows the learner as a position: one count serves the submits
    /// of the next quarter second, each correcting it by the submissions this instance took in and let go since. At an
    /// exam's peak that spares a storage call per submission; the length is as approximate as the queue's own count.
    /// </summary>
    public async Task<int> PositionAsync(string queueName, CancellationToken cancellationToken = default)
    {
        Task<int> count;
        long since;
        lock (positions)
        {
            submitted[queueName] = submitted.GetValueOrDefault(queueName) + 1;
            var shared = SharedCount(queueName);
            (count, since) = (shared.Count, Net(queueName) - shared.Before);
        }
        return Math.Max(0, await count.WaitAsync(cancellationToken) + (int)since);
    }

    /// <summary>
    /// Brings this instance's <see cref="QueueWindow"/> up to date with storage, through the count the submits share
    /// (the next <see cref="PositionAsync"/> reuses it): for a submit whose window belief is too old to decide on.
    /// </summary>
    public async Task RefreshWindowAsync(string queueName, CancellationToken cancellationToken = default)
    {
        Task<int> count;
        lock (positions) count = SharedCount(queueName).Count;
        try
        {
            await count.WaitAsync(cancellationToken);
        }
        catch (Azure.RequestFailedException)
        {
            // The belief stays old and the submit goes to the queue: order may suffer, never the submission.
        }
    }

    // Called under the lock.
    (Task<int> Count, long Before, DateTimeOffset At) SharedCount(string queueName)
    {
        if (!positions.TryGetValue(queueName, out var shared) || shared.Count.IsFaulted || time.GetUtcNow() - shared.At > PositionShared)
        {
            // Not tied to this submit's request: one that gives up must not fail the others sharing the count.
            shared = (Task.Run(() => WaitingAsync(queueName, exact: false)), Net(queueName), time.GetUtcNow());
            positions[queueName] = shared;
        }
        return shared;
    }

    /// <summary>Submissions that stopped waiting here: handed out, or retired while they waited.</summary>
    public void Left(string queueName, int count = 1)
    {
        lock (positions) left[queueName] = left.GetValueOrDefault(queueName) + count;
    }

    long Net(string queueName) => submitted.GetValueOrDefault(queueName) - left.GetValueOrDefault(queueName);

    /// <summary>The legacy queue length, as get_queuelen answers it: exact (see <see cref="CountAsync(string, bool, CancellationToken)"/>).</summary>
    public Task<int> WaitingAsync(string queueName, CancellationToken cancellationToken = default) => WaitingAsync(queueName, exact: true, cancellationToken);

    async Task<int> WaitingAsync(string queueName, bool exact, CancellationToken cancellationToken = default)
    {
        var messages = CountAsync(queueName, exact, cancellationToken);
        var backlogged = BacklogCountAsync(queueName);
        return (await messages).Waiting + await backlogged;
    }

    /// <summary>Messages a grader could take now (as approximate as the queue's count); the backlog is not included.</summary>
    public async Task<int> MessagesWaitingAsync(string queueName, CancellationToken cancellationToken = default) =>
        (await CountAsync(queueName, exact: false, cancellationToken)).Waiting;

    /// <summary>For the dashboard: waiting (backlog included), held by a grader, and of those waiting in the backlog, from the same counts.</summary>
    public async Task<(int Waiting, int InFlight, int Backlogged)> WaitingAndInFlightAsync(string queueName, CancellationToken cancellationToken = default)
    {
        var messages = CountAsync(queueName, exact: true, cancellationToken);
        var backlogged = BacklogCountAsync(queueName);
        var (waiting, held) = await messages;
        var inBacklog = await backlogged;
        return (waiting + inBacklog, held, inBacklog);
    }

    /// <summary>
    /// Messages waiting and submissions held. The queue's count includes hidden messages (held, or results being
    /// delivered), so the live holds are taken off it; but a delivery removes its message and its hold's row one after
    /// the other, and a count read between them is one off. When <paramref name="exact"/>, the visible messages, which
    /// are exactly the waiting ones, are also peeked at in the same round trip: one call that no delivery can put out
    /// of step, and the answer whenever fewer than a peek's 32 wait.
    /// </summary>
    async Task<(int Waiting, int Held)> CountAsync(string queueName, bool exact, CancellationToken cancellationToken)
    {
        var work = catalog.WorkQueue(queueName);
        var visible = exact ? work.PeekMessagesAsync(PeekMax, cancellationToken) : null;
        var total = work.ApproximateCountAsync(cancellationToken);
        var held = holds.CountLiveAsync(work.Name, cancellationToken);
        var waiting = Math.Max(0, await total - await held);
        if (visible is not null && (await visible).Value is { Length: < PeekMax } front)
        {
            // A result message of an earlier version (the result kept in the work message) whose instance stopped
            // before delivering it is visible too, and is no waiting submission.
            waiting = front.Count(message => WorkMessage.Read(message.Body.ToString()) is not { Kind: WorkMessageKind.Result });
        }
        window.MessagesWaiting(queueName, waiting);
        return (waiting, await held);
    }

    // Asked of storage every time (another instance may have spilled a moment ago); concurrent callers share one
    // query, which reads every row (one page per thousand).
    Task<int> BacklogCountAsync(string queueName)
    {
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
