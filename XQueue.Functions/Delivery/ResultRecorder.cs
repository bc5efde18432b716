using XQueue.Functions.Delivery;
using XQueue.Functions.Metrics;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Records a reply (a grader's result, or the failure notice) together with the obligation to deliver
/// it: the outbox entry is written first, then the entity, so whatever a crash interrupts, a stored
/// reply always has a pending delivery (an entry ahead of its entity is recognised and dropped).
/// </summary>
public sealed class ResultRecorder(SubmissionStore store, DeliveryOutbox outbox, DeliveryWorker worker, ResultCounts counts, XQueueMetrics metrics, TimeProvider time)
{
    /// <returns>The stored submission, or null when it changed since <paramref name="current"/> was read.</returns>
    public async Task<Submission?> RecordAsync(Submission current, string reply, SubmissionStatus status, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var version = Math.Max(current.ReplyVersion + 1, now.ToUnixTimeMilliseconds());
        var text = await store.StoreTextAsync(current.Id, $"reply-{version}", reply, cancellationToken);
        var entry = await outbox.EnqueueAsync(current.Id, version, cancellationToken);
        var stored = await store.TryReplaceAsync(current with
        {
            Status = status,
            RetireReason = status == SubmissionStatus.Failed ? RetireReason.Failed : RetireReason.Graded,
            Reply = text,
            ReplyVersion = version,
            GradedAt = status == SubmissionStatus.Retired ? now : current.GradedAt,
            FinishedAt = now,
            StatusAt = now,
            Delivery = DeliveryState.Pending,
            Channels = [],
        }, cancellationToken);
        if (stored is null)
        {
            await outbox.CancelAsync(entry, cancellationToken);
            if (text.BlobName is not null) await store.DeleteBlobAsync(text.BlobName, cancellationToken);
            return null;
        }
        worker.StartSoon(entry, stored);
        counts.Finished(stored.Queue, stored.Status, stored.RetireReason);
        metrics.Recorded(current, stored);
        return stored;
    }
}
