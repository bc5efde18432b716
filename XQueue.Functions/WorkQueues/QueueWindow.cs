using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.WorkQueues;

/// <summary>
/// What this instance believes about each queue's window: how many messages wait in its Storage Queue and
/// how many rows in its backlog. Two decisions are made from these beliefs without a storage call of their own:
/// whether a submit spills to the backlog, and when a background refill starts. The beliefs are refreshed by the
/// counts submit reads anyway (<see cref="QueueLength"/>) and by refills, and other instances' work shows up at the
/// next count. Being wrong for a moment costs order or an extra call, never a submission and never an answer: no
/// count a client is told and no "empty" comes from here (both ask storage). Another instance's pulls and refills
/// are not seen here, so a belief not confirmed by storage (or by a spill of this instance) for
/// <see cref="BeliefTrusted"/> is read afresh before a submit decides on it: an instance that saw a backlog another
/// has drained since would otherwise spill its next submissions, which then keep each other in the backlog.
/// </summary>
public sealed class QueueWindow(IOptions<XQueueOptions> options, TimeProvider time, WorkArrivals arrivals)
{
    /// <summary>Background refills of one queue start at most this often (pulls come many per second).</summary>
    static readonly TimeSpan RefillSpacing = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long a count is decided on. Submits refresh it every quarter second (<see cref="QueueLength"/>) while they
    /// come; the first submit after a quiet second reads it afresh before it decides.
    /// </summary>
    public static readonly TimeSpan BeliefTrusted = TimeSpan.FromSeconds(1);

    sealed class State
    {
        public int Waiting;
        public int Backlog;
        public long Spills;
        public DateTimeOffset LastRefill = DateTimeOffset.MinValue;
        public DateTimeOffset ConfirmedAt = DateTimeOffset.MinValue;
    }

    readonly ConcurrentDictionary<string, State> states = new(StringComparer.Ordinal);

    public int Size => options.Value.QueueWindow;

    /// <summary>
    /// A new submission goes to the backlog when the queue is known to have one (it must not overtake it)
    /// or its Storage Queue holds a full window already.
    /// </summary>
    public bool ShouldSpill(string queue) => With(queue, s => Current(s) && (s.Backlog > 0 || s.Waiting >= Size));

    /// <summary>Whether storage (or a spill of this instance) confirmed the beliefs lately enough to decide a spill on.</summary>
    public bool IsCurrent(string queue) => With(queue, Current);

    bool Current(State s) => time.GetUtcNow() - s.ConfirmedAt <= BeliefTrusted;

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

    public void MessagesWaiting(string queue, int waiting) => With(queue, s =>
    {
        s.ConfirmedAt = time.GetUtcNow();
        return s.Waiting = waiting;
    });

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
        s.ConfirmedAt = time.GetUtcNow(); // a backlog exists: this instance is writing to it
        s.Spills++;
        return ++s.Backlog;
    });

    /// <summary>A row left the backlog: moved into the Storage Queue, or removed with its superseded submission.</summary>
    public void LeftBacklog(string queue) => With(queue, s => s.Backlog = Math.Max(0, s.Backlog - 1));

    /// <summary>A refill left at least <paramref name="rows"/> rows behind (the window was full).</summary>
    public void BacklogSeen(string queue, int rows) => With(queue, s =>
    {
        s.ConfirmedAt = time.GetUtcNow();
        return s.Backlog = Math.Max(s.Backlog, rows);
    });

    /// <summary>A count (or a refill that reached the end) found <paramref name="count"/> rows.</summary>
    public void BacklogCounted(string queue, int count, long spillsBefore) => With(queue, s =>
    {
        s.ConfirmedAt = time.GetUtcNow();
        // A spill during the query may be missing from it: keep the backlog known, and count again next time.
        if (s.Spills != spillsBefore) return s.Backlog = Math.Max(count, 1);
        return s.Backlog = count;
    });

    T With<T>(string queue, Func<State, T> use)
    {
        var state = states.GetOrAdd(queue, _ => new State());
        lock (state) return use(state);
    }
}
