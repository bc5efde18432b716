using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.WorkQueues;

/// <param name="Backlogged">Of those waiting, how many wait in the backlog table beyond the queue window.</param>
public sealed record QueueFigures(
    string Queue, int Waiting, int InFlight, int Failed, int RetiredLastHour, double GradedPerMinute, TimeSpan? OldestWaitingAge, int Backlogged = 0);

public sealed record OverviewFigures(IReadOnlyList<QueueFigures> Queues, int AwaitingDelivery, DateTimeOffset At);

/// <summary>
/// The dashboard's per-queue figures, each from a count the service keeps anyway, never from history:
/// waiting and in flight as get_queuelen counts them, failed from <see cref="FailedIndex"/> (one query for all queues), finished from
/// <see cref="ResultCounts"/>, the oldest waiting submission's age from its id (the head of the queue by a
/// peek, or the head of the backlog), results awaiting delivery from the outbox's message count.
/// Readers go through <see cref="OverviewSnapshot"/>, which shares one read among them.
/// </summary>
public sealed class QueueOverview(
    QueueCatalog catalog, QueueLength length, FailedIndex failed, ResultCounts counts, Backlog backlog, StorageAccount storage, StorageNames names, TimeProvider time)
{
    /// <summary>Graded per minute is averaged over this window, so one quiet minute does not read as zero.</summary>
    static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(5);

    public async Task<OverviewFigures> ReadAsync(CancellationToken cancellationToken = default)
    {
        var finished = counts.SinceAsync([TimeSpan.FromHours(1), RateWindow], cancellationToken); // one read for both
        var awaiting = storage.GetQueue(names.DeliveryQueue).ApproximateCountAsync(cancellationToken); // the outbox, read as a queue: this room sits below Delivery
        var failedByQueue = failed.CountByQueueAsync(cancellationToken);
        var perQueue = await Task.WhenAll(catalog.Names.Select(queue => QueueAsync(queue, cancellationToken)));
        var failures = await failedByQueue;
        var periods = await finished;
        var (hour, rate) = (periods[0], periods[1]);
        var figures = perQueue.Select(q => q with
        {
            Failed = failures.GetValueOrDefault(q.Queue),
            RetiredLastHour = hour.TryGetValue(q.Queue, out var h) ? h.Retired : 0,
            GradedPerMinute = rate.TryGetValue(q.Queue, out var r) ? Math.Round(r.Graded / RateWindow.TotalMinutes, 1) : 0,
        }).ToArray();
        return new OverviewFigures(figures, await awaiting, time.GetUtcNow());
    }

    /// <summary>
    /// One queue's own counts: waiting, in flight, of those waiting how many in the backlog, and the oldest waiting's
    /// age. Failed and finished stay 0 here: <see cref="ReadAsync"/> adds them from one read for all queues.
    /// </summary>
    public async Task<QueueFigures> QueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        var work = catalog.WorkQueue(queue);
        var counted = length.WaitingAndInFlightAsync(queue, cancellationToken);
        var head = work.PeekMessagesAsync(1, cancellationToken);
        var backlogHead = backlog.OldestAsync(work.Name, 1, cancellationToken);
        var (waiting, inFlight, backlogged) = await counted;

        // The queue holds the oldest waiting submissions; the backlog only newer ones (first come, first served).
        var peeked = (await head).Value;
        var backlogIds = (await backlogHead).Ids;
        long? oldest = (peeked.Length > 0 ? WorkMessage.Read(peeked[0].Body.ToString())?.Id : null) ?? (backlogIds.Count > 0 ? backlogIds[0] : null);
        TimeSpan? age = waiting > 0 && oldest is { } o ? time.GetUtcNow() - SubmissionId.IssuedAt(o) : null;
        return new QueueFigures(queue, waiting, inFlight, 0, 0, 0, age, backlogged);
    }
}
