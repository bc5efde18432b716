using Azure;
using Azure.Storage.Queues;
using System.Globalization;
using System.Threading.Channels;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.WorkQueues;

/// <summary>
/// Moves backlog rows into a work queue as it drains, oldest first, until about a window waits: a hundred rows at a
/// time are claimed (one conditional transaction, so two instances never move the same rows), sent, and removed (one
/// transaction). A row this instance sent but could not remove is removed before anything else, never sent again. A
/// claim left by a refill that died is taken over once it has lapsed, and its rows are sent again: the dead refill
/// may have sent some of them, so any message from the backlog may have a twin. That is why a backlog message names
/// its submission only: the pull takes the hold's row first and then reads the entity (<see cref="Handout"/>), so of
/// two twins one is handed out, and the other is dropped, however far apart they come up.
/// Callers for one queue share one run per instance. Runs start from an empty pull (synchronously), after
/// pulls and spills (in the background, when the window is below half) and from the sweep.
/// </summary>
public sealed class BacklogRefill(
    QueueCatalog catalog, Backlog backlog, QueueLength queueLength, QueueWindow window, TimeProvider time, ILogger<BacklogRefill> log)
    : BackgroundService
{
    const int MaxRowsPerQuery = TableBatches.MaxActions;
    const int BackgroundConcurrency = 4;

    /// <summary>A claim this old belongs to a refill that died: sending a hundred messages takes a second or two.</summary>
    static readonly TimeSpan ClaimLapse = TimeSpan.FromMinutes(1);

    readonly CancellationTokenSource stopping = new();
    readonly Dictionary<string, RefillRun> running = new(StringComparer.Ordinal);
    readonly Dictionary<string, IReadOnlyList<BacklogRow>> unremoved = new(StringComparer.Ordinal);
    readonly Channel<string> requested = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Fills the queue up to its window from the backlog.</summary>
    /// <returns>How many submissions the run (perhaps one that was already going) moved.</returns>
    public Task<int> RefillAsync(string queueName, CancellationToken cancellationToken = default) =>
        Join(queueName, room: null).Completion.WaitAsync(cancellationToken);

    /// <summary>
    /// For a pull that found no visible message: the room is then the whole window, so no count is read.
    /// Returns as soon as one more message is in the queue, or the run ended without moving one (the pull looks again
    /// either way); a run that failed fails the pull (storage is unreachable).
    /// </summary>
    public async Task RefillNowAsync(string queueName, CancellationToken cancellationToken = default)
    {
        var run = Join(queueName, window.Size);
        await Task.WhenAny(run.NextMove, run.Completion).WaitAsync(cancellationToken);
        if (run.Completion.IsFaulted) await run.Completion;
    }

    /// <summary>After a pull or a spill: a background run when the window is below half (see <see cref="QueueWindow.ClaimRefill"/>).</summary>
    public void RefillIfLow(string queueName)
    {
        if (window.ClaimRefill(queueName)) requested.Writer.TryWrite(queueName);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(
            requested.Reader.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = BackgroundConcurrency, CancellationToken = stoppingToken },
            async (queueName, cancellationToken) =>
            {
                try
                {
                    await RefillAsync(queueName, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Background refill of {Queue} failed; the next pull or sweep tries again", queueName);
                }
            });

    /// <summary>Stops the runs still going (a row they did not delete is moved again later) and waits for them.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
        Task[] runs;
        lock (running) runs = running.Values.Select(run => run.Completion).ToArray();
        try
        {
            await Task.WhenAll(runs).WaitAsync(cancellationToken);
        }
        catch (Exception)
        {
            // Cancelled by the stop itself, or failed and already reported to whoever waited for it.
        }
    }

    RefillRun Join(string queueName, int? room)
    {
        lock (running)
        {
            if (running.TryGetValue(queueName, out var current) && !current.Completion.IsCompleted) return current;
            var run = new RefillRun();
            // Started off this thread, so it cannot finish (and forget itself) before it is remembered.
            // The run is shared work, not the request's that happened to start it: it gets the patience of background work.
            run.Completion = Task.Run(async () =>
            {
                using var patience = StoragePatience.Use(StoragePatience.Background);
                return await RunAsync(queueName, room, run, stopping.Token);
            });
            running[queueName] = run;
            return run;
        }
    }

    async Task<int> RunAsync(string queueName, int? room, RefillRun run, CancellationToken cancellationToken)
    {
        try
        {
            var moved = await MoveAsync(queueName, room, run, cancellationToken);
            if (moved > 0) log.LogInformation("Moved {Count} submissions from the backlog into {Queue}", moved, queueName);
            return moved;
        }
        finally
        {
            lock (running)
            {
                if (running.TryGetValue(queueName, out var current) && current == run) running.Remove(queueName);
            }
        }
    }

    // The backlog is read before the queue is counted: when it is empty (nearly always) that is the only call.
    async Task<int> MoveAsync(string queueName, int? room, RefillRun run, CancellationToken cancellationToken)
    {
        var work = catalog.WorkQueue(queueName);
        await RemoveSentAsync(work.Name, cancellationToken);
        var moved = 0;
        while (true)
        {
            var spills = window.Spills(queueName);
            var page = await backlog.OldestAsync(work.Name, Math.Clamp(room ?? window.Size, 1, MaxRowsPerQuery), cancellationToken);
            if (page.Rows.Count == 0)
            {
                if (!page.More) window.BacklogCounted(queueName, 0, spills);
                return moved;
            }
            room ??= window.Size - await queueLength.MessagesWaitingAsync(queueName, cancellationToken);
            var now = time.GetUtcNow();
            var rows = page.Rows.Take(Math.Max(0, room.Value)).TakeWhile(row => row.ClaimedAt is not { } at || now - at > ClaimLapse).ToList();
            foreach (var chunk in rows.GroupBy(row => row.Partition, StringComparer.Ordinal).SelectMany(partition => partition.Chunk(TableBatches.MaxActions)))
            {
                if (!await MoveChunkAsync(work, queueName, chunk, run, cancellationToken)) return moved;
                moved += chunk.Length;
                room -= chunk.Length;
            }
            if (rows.Count == page.Rows.Count && !page.More)
            {
                window.BacklogCounted(queueName, 0, spills);
                return moved;
            }
            if (room <= 0 || rows.Count < page.Rows.Count)
            {
                // Rows are left (or another refill is moving the next ones): let pulls here refill in the background later.
                window.BacklogSeen(queueName, page.Rows.Count - rows.Count);
                return moved;
            }
        }
    }

    // Claimed, then sent in order, one at a time (the queue hands out roughly in send order), then removed.
    /// <returns>False when another refill claimed the rows first, or they could not be removed: the run stops.</returns>
    async Task<bool> MoveChunkAsync(QueueClient work, string queueName, BacklogRow[] rows, RefillRun run, CancellationToken cancellationToken)
    {
        if (!await backlog.ClaimAsync(rows, time.GetUtcNow(), cancellationToken)) return false;
        foreach (var row in rows)
        {
            await work.EnqueueAsync(row.Id.ToString(CultureInfo.InvariantCulture), cancellationToken: cancellationToken);
            window.Sent(queueName);
            window.LeftBacklog(queueName);
            run.Moved();
        }
        try
        {
            await backlog.RemoveAllAsync(rows, cancellationToken);
            return true;
        }
        catch (RequestFailedException e)
        {
            lock (unremoved) unremoved[work.Name] = [.. unremoved.GetValueOrDefault(work.Name) ?? [], .. rows];
            log.LogWarning(e, "Backlog rows of {Queue} were sent but not removed; the next refill removes them", queueName);
            return false;
        }
    }

    async Task RemoveSentAsync(string workQueue, CancellationToken cancellationToken)
    {
        IReadOnlyList<BacklogRow>? rows;
        lock (unremoved) unremoved.Remove(workQueue, out rows);
        if (rows is null) return;
        try
        {
            await backlog.RemoveAllAsync(rows, cancellationToken);
        }
        catch (RequestFailedException)
        {
            lock (unremoved) unremoved[workQueue] = [.. unremoved.GetValueOrDefault(workQueue) ?? [], .. rows];
            throw;
        }
    }

    sealed class RefillRun
    {
        TaskCompletionSource nextMove = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<int> Completion { get; set; } = Task.FromResult(0);

        /// <summary>Completes when the run has sent one more message.</summary>
        public Task NextMove => Volatile.Read(ref nextMove).Task;

        public void Moved() =>
            Interlocked.Exchange(ref nextMove, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
