namespace XQueue.Functions.Submissions;

/// <summary>
/// Submissions graders hold, kept in each instance's memory instead of a table write per pull and per result. They
/// serve two things: the queue length leaves them out (legacy: "a pulled submission is not counted until it is
/// requeued"; a Storage Queue's count includes held messages); and a pull drops a message for a submission that is
/// held through another message, or that ended after the message was sent (a retired or superseded one, a second
/// copy). put_result and extend_lease do not use it: the key itself names the message (<see cref="PullKeys"/>).
/// Each instance publishes its holds (<see cref="InflightRows"/>) at most four times a second, only when they
/// changed, and reads the others' at most once a second. A grader may answer through another instance than the one
/// it pulled from: that instance takes the hold over (a newer version of it) and, when done, publishes the end for
/// a few seconds; the first instance drops its copy when it next reads the rows, which it does every second while
/// it holds anything. A hold ends by itself when its lease does.
/// </summary>
public sealed partial class InflightIndex(InflightRows rows, TimeProvider time, ILogger<InflightIndex> log) : BackgroundService
{
    static readonly TimeSpan PublishEvery = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan OthersFor = TimeSpan.FromSeconds(1);

    /// <summary>How long this instance keeps an end, so older messages of its submission are dropped.</summary>
    static readonly TimeSpan EndingKept = TimeSpan.FromMinutes(10);

    /// <summary>How long the end of a hold taken over is published: the instance that pulled reads the rows every second.</summary>
    static readonly TimeSpan TakeoverEndShared = TimeSpan.FromSeconds(10);

    /// <summary>A bound on the ends one row publishes, so it stays far below a table entity's size limit.</summary>
    const int MaxSharedEndings = 5_000;

    readonly string instance = Guid.NewGuid().ToString("N")[..12];
    readonly Dictionary<long, Hold> holds = [];
    readonly Dictionary<long, Submission> handedOut = [];
    readonly Dictionary<long, (Ending Ending, long KeepUntil, long SharedUntil)> endings = [];
    readonly HashSet<long> takenOver = [];
    bool changed;
    (Task<IReadOnlyList<InstanceHolds>> Rows, DateTimeOffset At)? others;

    public Task InitializeAsync(CancellationToken cancellationToken) => rows.InitializeAsync(cancellationToken);

    /// <summary>A pull handed <paramref name="pulled"/> out through the hold's message, until the lease ends.</summary>
    public void Hold(Hold hold, Submission pulled)
    {
        lock (holds)
        {
            holds[hold.Id] = hold;
            handedOut[hold.Id] = pulled;
            takenOver.Remove(hold.Id);
            changed = true;
        }
    }

    /// <summary>The submission as this instance handed it out; null when another instance did.</summary>
    public Submission? HandedOut(long id)
    {
        lock (holds) return handedOut.GetValueOrDefault(id);
    }

    /// <summary>Who holds <paramref name="id"/>: this instance, else the other instances' rows as last read (read afresh when <paramref name="fresh"/>).</summary>
    public async Task<Hold?> FindAsync(long id, bool fresh = false, CancellationToken cancellationToken = default)
    {
        Hold? mine;
        lock (holds) mine = holds.GetValueOrDefault(id);
        if (mine is not null && !fresh) return mine;
        var theirs = await OthersAsync(fresh, cancellationToken);
        return theirs.SelectMany(row => row.Holds).Where(hold => hold.Id == id).Append(mine).OfType<Hold>().MaxBy(hold => hold.Until);
    }

    /// <summary>The message moved on (lease extended, or turned into the result <paramref name="answer"/>): its receipt and lease now.</summary>
    public void Moved(Hold hold, string receipt, DateTimeOffset until, Submission? answer = null)
    {
        lock (holds)
        {
            if (!holds.ContainsKey(hold.Id)) takenOver.Add(hold.Id);
            holds[hold.Id] = hold with
            {
                Receipt = receipt, Until = until.ToUnixTimeMilliseconds(), Answered = hold.Answered || answer is not null, Version = hold.Version + 1,
            };
            if (answer is not null) handedOut[hold.Id] = answer; // an amendment numbers its reply after this one
            changed = true;
        }
    }

    /// <summary>The hold ends and the submission waits again on the same message (a push attempt that failed, to be retried).</summary>
    public void Release(long id)
    {
        lock (holds)
        {
            changed |= holds.Remove(id);
            handedOut.Remove(id);
            takenOver.Remove(id);
        }
    }

    /// <summary>The hold ends: the submission was answered and delivered, or failed, and its message is gone.</summary>
    public async Task ClearAsync(string queue, long id, CancellationToken cancellationToken = default)
    {
        bool mine;
        lock (holds)
        {
            mine = holds.Remove(id);
            handedOut.Remove(id);
            End(queue, id, takenOver.Remove(id) ? TakeoverEndShared : TimeSpan.Zero);
        }
        if (mine) return;
        // Held through another instance (one that died while delivering, say): the end is shared as long as that hold lasts.
        if ((await OthersAsync(false, cancellationToken)).SelectMany(row => row.Holds).Where(h => h.Id == id).MaxBy(h => h.Until) is { } elsewhere)
        {
            lock (holds) End(queue, id, TimeSpan.FromMilliseconds(Math.Max(0, elsewhere.Until - Now())));
        }
    }

    /// <summary>Retired or superseded while waiting: no message sent for it before now is handed out (on any instance when <paramref name="shared"/>).</summary>
    public void Retired(string queue, long id, bool shared)
    {
        lock (holds) End(queue, id, shared ? EndingKept : TimeSpan.Zero);
    }

    /// <summary>
    /// Whether a message sent at <paramref name="sentAt"/> for <paramref name="id"/> must not be handed out. Other
    /// instances are asked only through rows already read (a pull does not wait for them): exact on this instance,
    /// within about a second across instances.
    /// </summary>
    public bool IsStale(long id, string messageId, DateTimeOffset sentAt)
    {
        var (sent, now) = (sentAt.ToUnixTimeMilliseconds(), Now());
        IReadOnlyList<InstanceHolds> theirs;
        lock (holds)
        {
            if (holds.TryGetValue(id, out var mine) && mine.MessageId != messageId && mine.Until > now) return true;
            if (endings.TryGetValue(id, out var ended) && ended.Ending.At >= sent) return true;
            theirs = others is { Rows.IsCompletedSuccessfully: true } read ? read.Rows.Result : [];
        }
        return theirs.Any(row => row.Holds.Any(h => h.Id == id && h.MessageId != messageId && h.Until > now)
                                 || row.Endings.Any(e => e.Id == id && e.At >= sent));
    }

    /// <summary>Submissions of <paramref name="queue"/> held now, on any instance (as last read, within a second).</summary>
    public async Task<int> CountLiveAsync(string queue, CancellationToken cancellationToken = default) =>
        (await LiveAsync(queue, cancellationToken)).Count;

    /// <summary>
    /// The holds whose lease runs now, on any instance (as last read, within a second), newest copy of each, by
    /// submission id; of one work queue, or of all when <paramref name="queue"/> is null.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, Hold>> LiveAsync(string? queue, CancellationToken cancellationToken = default)
    {
        var theirs = await OthersAsync(false, cancellationToken);
        var now = Now();
        List<Hold> held;
        List<Ending> ended;
        lock (holds)
        {
            held = [.. holds.Values];
            ended = [.. endings.Values.Select(e => e.Ending)];
        }
        held.AddRange(theirs.SelectMany(row => row.Holds));
        ended.AddRange(theirs.SelectMany(row => row.Endings));
        var endedAt = ended.GroupBy(e => e.Id).ToDictionary(g => g.Key, g => g.Max(e => e.At));
        return held
            .Where(h => (queue is null || h.Queue == queue) && h.Until > now && !(endedAt.TryGetValue(h.Id, out var at) && at >= h.From))
            .GroupBy(h => h.Id)
            .ToDictionary(g => g.Key, g => g.MaxBy(h => h.Version)!);
    }

    void End(string queue, long id, TimeSpan sharedFor)
    {
        var now = Now();
        endings[id] = (new Ending(queue, id, now), now + (long)EndingKept.TotalMilliseconds, sharedFor > TimeSpan.Zero ? now + (long)sharedFor.TotalMilliseconds : 0);
        changed = true;
    }

    void Forget(long id)
    {
        holds.Remove(id);
        handedOut.Remove(id);
        takenOver.Remove(id);
    }

    long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
