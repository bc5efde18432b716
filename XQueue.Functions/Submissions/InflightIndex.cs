namespace XQueue.Functions.Submissions;

/// <summary>
/// Submissions graders hold, kept in each instance's memory instead of a table write per pull and per result. They
/// serve three things: the queue length leaves them out (legacy: "a pulled submission is not counted until it is
/// requeued"; a Storage Queue's count includes held messages); put_result and extend_lease find the message and
/// receipt a key was made from; and a pull drops a message for a submission that is held through another message,
/// or that ended after the message was sent (a retired or superseded one, a second copy).
/// Each instance publishes its holds (<see cref="InflightRows"/>) at most four times a second, only when they
/// changed, and reads the others' at most once a second. A grader may answer through another instance than the one
/// it pulled from: that instance takes the hold over (a newer version of it) and, when done, publishes the end for
/// a few seconds; the first instance drops its copy when it next reads the rows, which it does every second while
/// it holds anything. A hold ends by itself when its lease does.
/// </summary>
public sealed class InflightIndex(InflightRows rows, TimeProvider time, ILogger<InflightIndex> log) : BackgroundService
{
    static readonly TimeSpan PublishEvery = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan OthersFor = TimeSpan.FromSeconds(1);

    /// <summary>How long this instance keeps an end, so older messages of its submission are dropped.</summary>
    static readonly TimeSpan EndingKept = TimeSpan.FromMinutes(10);

    /// <summary>How long the end of a hold taken over is published: the instance that pulled reads the rows every second.</summary>
    static readonly TimeSpan TakeoverEndShared = TimeSpan.FromSeconds(10);

    /// <summary>A bound on the ends one row publishes, so it stays far below a table entity's size limit.</summary>
    const int MaxSharedEndings = 5_000;

    /// <summary>Looks for a hold before a key is refused: here or as last read, afresh, then afresh after each of three publish periods.</summary>
    public const int Looks = 5;

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

    /// <summary>
    /// Who holds <paramref name="id"/>. Look 0 asks this instance (else the rows as last read); later looks read the
    /// other instances' rows afresh, after a publish period from look 2 on (a hold taken a moment ago elsewhere).
    /// </summary>
    public async Task<Hold?> FindAsync(long id, int look = 0, CancellationToken cancellationToken = default)
    {
        Hold? mine;
        lock (holds) mine = holds.GetValueOrDefault(id);
        if (mine is not null && look == 0) return mine;
        if (look > 1) await Task.Delay(PublishEvery + TimeSpan.FromMilliseconds(50), time, cancellationToken);
        var theirs = await OthersAsync(fresh: look > 0, cancellationToken);
        return theirs.SelectMany(row => row.Holds).Where(hold => hold.Id == id).Append(mine).OfType<Hold>().MaxBy(hold => hold.Version);
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
    public async Task<int> CountLiveAsync(string queue, CancellationToken cancellationToken = default)
    {
        var theirs = await OthersAsync(false, cancellationToken);
        var now = Now();
        List<Hold> held;
        List<Ending> ended;
        lock (holds)
        {
            held = [.. holds.Values.Where(h => h.Queue == queue)];
            ended = [.. endings.Values.Select(e => e.Ending).Where(e => e.Queue == queue)];
        }
        held.AddRange(theirs.SelectMany(row => row.Holds).Where(h => h.Queue == queue));
        ended.AddRange(theirs.SelectMany(row => row.Endings).Where(e => e.Queue == queue));
        var endedAt = ended.GroupBy(e => e.Id).ToDictionary(g => g.Key, g => g.Max(e => e.At));
        return held.Where(h => h.Until > now && !(endedAt.TryGetValue(h.Id, out var at) && at >= h.From)).Select(h => h.Id).Distinct().Count();
    }

    /// <summary>Forgets the holds whose lease ran out and old ends, and removes the rows of instances gone for an hour.</summary>
    /// <returns>How many holds ran out (graders that did not answer in time).</returns>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = Now();
        int expired;
        lock (holds)
        {
            var ran = holds.Values.Where(h => h.Until <= now).Select(h => h.Id).ToList();
            foreach (var id in ran) Forget(id);
            foreach (var id in endings.Where(e => e.Value.KeepUntil <= now).Select(e => e.Key).ToList()) endings.Remove(id);
            expired = ran.Count;
            changed |= expired > 0;
        }
        var gone = (await rows.ReadAsync(cancellationToken)).Where(row => row.Instance != instance && row.At < time.GetUtcNow().AddHours(-1));
        await rows.RemoveAsync(gone.Select(row => row.Instance), cancellationToken);
        return expired;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PublishEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PublishAsync(stoppingToken);
                // While it holds anything, this instance looks (at most once a second) for holds taken over elsewhere.
                bool holding;
                lock (holds) holding = holds.Count > 0;
                if (holding) await OthersAsync(false, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "In-flight holds could not be published or read; the next tick tries again");
            }
        }
    }

    Task PublishAsync(CancellationToken cancellationToken)
    {
        List<Hold> live;
        List<Ending> shared;
        lock (holds)
        {
            if (!changed) return Task.CompletedTask;
            changed = false;
            var now = Now();
            live = [.. holds.Values.Where(h => h.Until > now)];
            shared = [.. endings.Values.Where(e => e.SharedUntil > now).OrderByDescending(e => e.Ending.At).Take(MaxSharedEndings).Select(e => e.Ending)];
        }
        return rows.PublishAsync(instance, live, shared, cancellationToken);
    }

    // Concurrent readers share one read of the others' rows, and its result serves for a second.
    Task<IReadOnlyList<InstanceHolds>> OthersAsync(bool fresh, CancellationToken cancellationToken)
    {
        lock (holds)
        {
            if (!fresh && others is { } cached && time.GetUtcNow() - cached.At < OthersFor && !cached.Rows.IsFaulted) return cached.Rows;
            var reading = ReadOthersAsync(cancellationToken);
            others = (reading, time.GetUtcNow());
            return reading;
        }
    }

    // A hold of this instance that another took over (a newer version) or ended is this instance's no longer.
    async Task<IReadOnlyList<InstanceHolds>> ReadOthersAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<InstanceHolds> theirs = [.. (await rows.ReadAsync(cancellationToken)).Where(row => row.Instance != instance)];
        lock (holds)
        {
            foreach (var mine in holds.Values.ToList())
            {
                if (theirs.Any(row => row.Holds.Any(h => h.Id == mine.Id && h.MessageId == mine.MessageId && h.Version > mine.Version)
                                      || row.Endings.Any(e => e.Id == mine.Id && e.At >= mine.From)))
                {
                    Forget(mine.Id);
                    changed = true;
                }
            }
        }
        return theirs;
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
