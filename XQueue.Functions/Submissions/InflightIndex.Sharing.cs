namespace XQueue.Functions.Submissions;

// The sharing half of the index: this instance's holds published as its row, the other instances' rows read
// (shared by concurrent readers for a second), and holds taken over or ended elsewhere dropped here.
public sealed partial class InflightIndex
{
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

    /// <summary>A last publish on the way out: holds ended since the last tick must not stay in the row, where the other instances would keep counting them.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await PublishAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "In-flight holds could not be published at shutdown; they end with their leases");
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
}
