namespace XQueue.Functions.WorkQueues;

/// <summary>
/// Wakes whoever waits for work on a queue (long-polling graders, push dispatch) when this instance puts a
/// message on it. Only this instance's arrivals are seen: work sent by another instance, or a pull whose
/// lease ran out, is found by the waiter's own periodic look at the queue.
/// </summary>
/// <remarks>
/// One announcement wakes one waiter, so a submit costs one receive however many graders idle. A waiter
/// watches <em>before</em> it looks at the queue, so an arrival between its look and its wait is not missed;
/// and a waiter that was woken but found work on its own passes the wake on when it stops watching.
/// </remarks>
public sealed class WorkArrivals
{
    readonly Dictionary<string, LinkedList<Watch>> watching = new(StringComparer.Ordinal);

    /// <summary>Work was put on <paramref name="queue"/>: wake the longest-waiting watcher, if any.</summary>
    public void Announce(string queue)
    {
        lock (watching)
        {
            if (!watching.TryGetValue(queue, out var list) || list.First is not { } first) return;
            list.RemoveFirst();
            if (list.Count == 0) watching.Remove(queue);
            first.Value.Woken.TrySetResult();
        }
    }

    /// <summary>Starts watching <paramref name="queue"/>; dispose when done (or after the wake was used).</summary>
    public Watch StartWatching(string queue)
    {
        var watch = new Watch(this, queue);
        lock (watching)
        {
            if (!watching.TryGetValue(queue, out var list)) watching[queue] = list = new LinkedList<Watch>();
            watch.Node = list.AddLast(watch);
        }
        return watch;
    }

    void StopWatching(Watch watch)
    {
        lock (watching)
        {
            if (watch.Node?.List is { } list)
            {
                list.Remove(watch.Node);
                if (list.Count == 0) watching.Remove(watch.Queue);
            }
        }
    }

    public sealed class Watch : IDisposable
    {
        readonly WorkArrivals arrivals;
        bool used;

        internal Watch(WorkArrivals arrivals, string queue)
        {
            this.arrivals = arrivals;
            Queue = queue;
        }

        internal string Queue { get; }
        internal LinkedListNode<Watch>? Node { get; set; }
        internal TaskCompletionSource Woken { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Waits for an announcement, at most <paramref name="timeout"/>.</summary>
        /// <returns>True when work was announced; the caller then looks at the queue and this wake counts as used.</returns>
        public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            if (timeout > TimeSpan.Zero && !Woken.Task.IsCompleted)
            {
                try
                {
                    await Woken.Task.WaitAsync(timeout, time, cancellationToken);
                }
                catch (TimeoutException)
                {
                }
            }
            used = Woken.Task.IsCompleted;
            return used;
        }

        public void Dispose()
        {
            arrivals.StopWatching(this);
            // Woken while the holder was busy finding work by itself: the announced work is still there for another.
            if (Woken.Task.IsCompleted && !used) arrivals.Announce(Queue);
        }
    }
}
