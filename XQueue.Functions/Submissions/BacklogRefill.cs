using Azure.Storage.Queues;
using System.Globalization;
using System.Threading.Channels;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>
/// Moves backlog rows into a work queue as it drains, oldest first, until about a window waits: per row a
/// work message with the id (never expiring, as submit sends it), then the row's delete. The entity is not
/// touched; the pull that first receives a message for it binds that message. So a row moved twice (two
/// instances at once, or a crash between send and delete) costs a dropped duplicate, never a second grader.
/// Callers for one queue share one run per instance. Runs start from an empty pull (synchronously), after
/// pulls and spills (in the background, when the window is below half) and from the sweep.
/// </summary>
public sealed class BacklogRefill(QueueCatalog catalog, Backlog backlog, QueueLength queueLength, QueueWindow window, ILogger<BacklogRefill> log)
    : BackgroundService
{
    const int MaxRowsPerQuery = 1000;
    const int BackgroundConcurrency = 4;

    readonly CancellationTokenSource stopping = new();
    readonly Dictionary<string, RefillRun> running = new(StringComparer.Ordinal);
    readonly Channel<string> requested = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Fills the queue up to its window from the backlog.</summary>
    /// <returns>How many submissions the run (perhaps one that was already going) moved.</returns>
    public Task<int> RefillAsync(string queueName, CancellationToken cancellationToken = default) =>
        Join(queueName, room: null).Completion.WaitAsync(cancellationToken);

    /// <summary>
    /// For a pull that found no visible message: the room is then the whole window, so no count is read.
    /// Returns as soon as one more message is in the queue (true), or the run ended without moving one.
    /// </summary>
    public async Task<bool> RefillNowAsync(string queueName, CancellationToken cancellationToken = default)
    {
        var run = Join(queueName, window.Size);
        var moved = run.NextMove;
        await Task.WhenAny(moved, run.Completion).WaitAsync(cancellationToken);
        return moved.IsCompleted || await run.Completion > 0;
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
            run.Completion = Task.Run(() => RunAsync(queueName, room, run, stopping.Token));
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
        var moved = 0;
        while (true)
        {
            var spills = window.Spills(queueName);
            var page = await backlog.OldestAsync(work.Name, Math.Clamp(room ?? window.Size, 1, MaxRowsPerQuery), cancellationToken);
            if (page.Ids.Count == 0)
            {
                if (!page.More) window.BacklogCounted(queueName, 0, spills);
                return moved;
            }
            room ??= window.Size - await queueLength.MessagesWaitingAsync(queueName, cancellationToken);
            var batch = page.Ids.Take(Math.Max(0, room.Value)).ToList();
            await MoveBatchAsync(work, queueName, batch, run, cancellationToken);
            moved += batch.Count;
            room -= batch.Count;
            if (batch.Count == page.Ids.Count && !page.More)
            {
                window.BacklogCounted(queueName, 0, spills);
                return moved;
            }
            if (room <= 0)
            {
                // Rows are left: let pulls here refill in the background, even if the spills were elsewhere.
                window.BacklogSeen(queueName, page.Ids.Count - batch.Count);
                return moved;
            }
        }
    }

    // In order, one send at a time (the queue hands out roughly in send order); then the moved rows go in one
    // transaction (the rows share the work queue's partition). A crash before it leaves rows whose messages were
    // sent: a later refill sends them again, and the pull drops the second message as a stale duplicate.
    async Task MoveBatchAsync(QueueClient work, string queueName, IReadOnlyList<long> ids, RefillRun run, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            await work.EnqueueAsync(id.ToString(CultureInfo.InvariantCulture), cancellationToken: cancellationToken);
            window.Sent(queueName);
            window.LeftBacklog(queueName);
            run.Moved();
        }
        await backlog.RemoveAllAsync(work.Name, ids, cancellationToken);
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
