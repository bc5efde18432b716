using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Submissions;

/// <summary>
/// What this instance believes about each queue's window: how many messages wait in its Storage Queue and
/// how many rows in its backlog. Submit and pull decide from these beliefs without a storage call of their
/// own; the beliefs are refreshed by the counts submit reads anyway (<see cref="QueueLength"/>) and by
/// refills, and other instances' work shows up at the next count. Being wrong for a moment costs order or an
/// extra call, never a submission: every decision made here is also safe when it is mistaken.
/// </summary>
public sealed class QueueWindow(IOptions<XQueueOptions> options, TimeProvider time, WorkArrivals arrivals)
{
    /// <summary>A backlog count is reused this long; submit replies need it, and counting reads every row.</summary>
    static readonly TimeSpan CountLifetime = TimeSpan.FromSeconds(1);

    /// <summary>
    /// "Empty" is trusted longer, because below the window it spares a query on every submit; it still
    /// expires, because another instance may have spilled meanwhile.
    /// </summary>
    static readonly TimeSpan EmptyLifetime = TimeSpan.FromSeconds(5);

    /// <summary>Background refills of one queue start at most this often (pulls come many per second).</summary>
    static readonly TimeSpan RefillSpacing = TimeSpan.FromMilliseconds(200);

    sealed class State
    {
        public int Waiting;
        public int Backlog;
        public DateTimeOffset BacklogCountedAt = DateTimeOffset.MinValue;
        public long Spills;
        public DateTimeOffset LastRefill = DateTimeOffset.MinValue;
    }

    readonly ConcurrentDictionary<string, State> states = new(StringComparer.Ordinal);

    public int Size => options.Value.QueueWindow;

    /// <summary>
    /// A new submission goes to the backlog when the queue is known to have one (it must not overtake it)
    /// or its Storage Queue holds a full window already.
    /// </summary>
    public bool ShouldSpill(string queue) => With(queue, s => s.Backlog > 0 || s.Waiting >= Size);

    /// <summary>False only when a recent count or refill found the backlog empty and nothing was spilled since.</summary>
    public bool MayHaveBacklog(string queue) => With(queue, s => !IsKnownEmpty(s, time.GetUtcNow()));

    /// <summary>The backlog count, when the last one is fresh enough to answer without a query.</summary>
    public int? KnownBacklog(string queue) => With<int?>(queue, s =>
    {
        var now = time.GetUtcNow();
        return IsKnownEmpty(s, now) || (s.Backlog > 0 && now - s.BacklogCountedAt < CountLifetime) ? s.Backlog : null;
    });

    /// <summary>
    /// True at most every <see cref="RefillSpacing"/> while a backlog is known and less than half a window
    /// waits: refilling in half-window batches keeps graders fed without a refill per pull.
    /// </summary>
    public bool ClaimRefill(string queue) => With(queue, s =>
    {
        var now = time.GetUtcNow();
        if (s.Backlog == 0 || s.Waiting >= Size / 2 || now - s.LastRefill < RefillSpacing) return false;
        s.LastRefill = now;
        return true;
    });

    /// <summary>The spill counter, read before a backlog query so that its "empty" cannot hide a later spill.</summary>
    public long Spills(string queue) => With(queue, s => s.Spills);

    public void MessagesWaiting(string queue, int waiting) => With(queue, s => s.Waiting = waiting);

    /// <summary>A message for a submission now waits on the queue: counted, and announced to whoever waits for work there.</summary>
    public void Sent(string queue)
    {
        With(queue, s => ++s.Waiting);
        arrivals.Announce(queue);
    }

    public void Received(string queue) => With(queue, s => s.Waiting = Math.Max(0, s.Waiting - 1));

    /// <summary>Called before the row is written, so that a refill finding the backlog empty meanwhile does not believe it.</summary>
    public void Spilling(string queue) => With(queue, s =>
    {
        s.Spills++;
        return ++s.Backlog;
    });

    /// <summary>A row left the backlog: moved into the Storage Queue, or removed with its superseded submission.</summary>
    public void LeftBacklog(string queue) => With(queue, s => s.Backlog = Math.Max(0, s.Backlog - 1));

    /// <summary>A refill left at least <paramref name="rows"/> rows behind (the window was full).</summary>
    public void BacklogSeen(string queue, int rows) => With(queue, s => s.Backlog = Math.Max(s.Backlog, rows));

    /// <summary>A count (or a refill that reached the end) found <paramref name="count"/> rows.</summary>
    public void BacklogCounted(string queue, int count, long spillsBefore) => With(queue, s =>
    {
        // A spill during the query may be missing from it: keep the backlog known, and count again next time.
        if (s.Spills != spillsBefore) return s.Backlog = Math.Max(count, 1);
        s.BacklogCountedAt = time.GetUtcNow();
        return s.Backlog = count;
    });

    static bool IsKnownEmpty(State s, DateTimeOffset now) => s.Backlog == 0 && now - s.BacklogCountedAt < EmptyLifetime;

    T With<T>(string queue, Func<State, T> use)
    {
        var state = states.GetOrAdd(queue, _ => new State());
        lock (state) return use(state);
    }
}
