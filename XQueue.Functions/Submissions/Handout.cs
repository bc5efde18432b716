using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using XQueue.Functions.Delivery;
using XQueue.Functions.Metrics;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

public sealed record PulledSubmission(long Id, string Key, string Body, IReadOnlyDictionary<string, Uri> FileUrls);

/// <summary>Who pulls: the grader's user (or token subject) and address, kept in the submission's history.</summary>
public sealed record Grader(string? User, string? Address);

/// <summary>
/// Hands one received work message out to a grader. The message carries the submission (<see cref="WorkMessage"/>),
/// its lease keeps other graders off it, and the key seals its pop receipt and the pull's facts (<see cref="PullKeys"/>),
/// so nothing is written: any instance can act on the key. A message too large to carry its
/// submission names it, and the submission is read. Messages for a submission held through another message, or
/// that ended after they were sent, are dropped; a submission pulled too often without a result is failed; a
/// result whose delivery was cut short (its instance died) is handed to delivery instead.
/// </summary>
public sealed class Handout(
    SubmissionStore store, QueueCatalog catalog, InflightIndex inflight, PullKeys keys, ResultRecorder results, FailedIndex failedIndex,
    DeliveryWorker delivery, XQueueMetrics metrics, TimeProvider time, ILogger<Handout> log)
{
    /// <returns>The submission with its key, or null when the message was stale or a result (and dealt with).</returns>
    /// <exception cref="SubmissionUnreadableException">Its body cannot be read; it comes back after the delay.</exception>
    public async Task<PulledSubmission?> BindAsync(QueueClient work, QueueMessage message, Grader grader, CancellationToken cancellationToken)
    {
        var content = WorkMessage.Read(message.Body.ToString());
        if (content is { Kind: WorkMessageKind.Result, Snapshot: { } accepted })
        {
            // put_result accepted it, and whoever was delivering it is gone: deliver it from here.
            delivery.StartSoon(new OutboxEntry(accepted.Id, accepted.ReplyVersion, message.MessageId, message.PopReceipt, accepted.GradedAt ?? time.GetUtcNow(), work.Name), accepted);
            return null;
        }
        if (content is null || inflight.IsStale(content.Id, message.MessageId, SentAt(content, message)))
        {
            await work.TryDeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
            return null;
        }

        var submission = content.Snapshot ?? await ReadNamedAsync(content.Id, message, cancellationToken);
        if (submission is null)
        {
            await work.TryDeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
            return null;
        }
        var pulls = (int)message.DequeueCount - content.Skipped; // receives that handed it out
        if (pulls - 1 > catalog.Options.MaxFailures)
        {
            await FailAsync(work, submission with { MessageId = message.MessageId, PopReceipt = message.PopReceipt, Pulls = pulls - 1 }, null, cancellationToken);
            return null;
        }
        var hold = new Hold(
            work.Name, submission.Id, message.MessageId, message.PopReceipt, message.PopReceipt, time.GetUtcNow().ToUnixTimeMilliseconds(),
            (message.NextVisibleOn ?? time.GetUtcNow()).ToUnixTimeMilliseconds(), Grader: grader.User, Address: grader.Address, Pulls: pulls);
        return await HandOutAsync(hold, Pulled(submission, hold, keys.For(hold, submission.Queue)), cancellationToken);
    }

    // The service keeps a message's insertion time in whole seconds; the snapshot's own time (a reset's, say) is exact.
    DateTimeOffset SentAt(WorkMessage content, QueueMessage message)
    {
        var inserted = message.InsertedOn ?? time.GetUtcNow();
        return content.Snapshot is { StatusAt: var at } && at > inserted ? at : inserted;
    }

    // A message that names its submission only: one too large to travel, or a second copy sent by a refill that took
    // over a dead one's claim. The entity says whether it is still waiting, and the holds, read afresh, whether a
    // grader has it through another message. Null when it must not be handed out (deleted, finished, or held).
    async Task<Submission?> ReadNamedAsync(long id, QueueMessage message, CancellationToken cancellationToken)
    {
        var submission = await store.GetAsync(id, cancellationToken);
        if (submission is null || submission.Status.IsFinished()) return null;
        var hold = await inflight.FindAsync(id, fresh: true, cancellationToken);
        return hold is not null && hold.MessageId != message.MessageId && hold.Until > time.GetUtcNow().ToUnixTimeMilliseconds() ? null : submission;
    }

    /// <summary>
    /// The submission with the pull's facts, which ride with it (in memory, then in the result message) until delivery
    /// writes them: from the hold, so an instance that did not hand it out can rebuild them from the published holds.
    /// </summary>
    public static Submission Pulled(Submission submission, Hold hold, string key)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(hold.From);
        return submission with
        {
            Status = SubmissionStatus.Pulled,
            MessageId = hold.MessageId,
            PopReceipt = hold.KeyReceipt,
            PullKey = key,
            Pulls = hold.Pulls,
            GraderUser = hold.Grader,
            GraderAddress = hold.Address,
            PulledAt = at,
            FirstPulledAt = submission.FirstPulledAt ?? at,
            LeaseUntil = DateTimeOffset.FromUnixTimeMilliseconds(hold.Until),
            StatusAt = at,
            History = SubmissionEvent.Append(submission.History, new(at, SubmissionEvent.Pulled, hold.Grader, hold.Address)),
        };
    }

    async Task<PulledSubmission> HandOutAsync(Hold hold, Submission pulled, CancellationToken cancellationToken)
    {
        var expires = time.GetUtcNow() + catalog.Options.FileUrlLifetime;
        var urls = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (name, blobName) in pulled.Files) urls[name] = await store.FileUrlAsync(blobName, expires, cancellationToken);
        try
        {
            var body = await store.ReadTextAsync(pulled.Body, cancellationToken);
            inflight.Hold(hold, pulled);
            metrics.Pulled(pulled);
            log.LogInformation("Submission {SubmissionId} pulled from {Queue} (pull {Pulls})", pulled.Id, pulled.Queue, pulled.Pulls);
            return new PulledSubmission(pulled.Id, pulled.PullKey!, body, urls);
        }
        catch (SubmissionUnreadableException e)
        {
            log.LogWarning("Submission {SubmissionId} cannot be handed out: {Problem}", pulled.Id, e.Message);
            throw;
        }
    }

    // Pulled more than MaxFailures times without a result: stop handing it out and tell the LMS (legacy notice).
    async Task FailAsync(QueueClient work, Submission submission, SubmissionEvent? last, CancellationToken cancellationToken)
    {
        await failedIndex.AddAsync(submission, time.GetUtcNow(), cancellationToken);
        var current = await store.GetAsync(submission.Id, cancellationToken);
        if (current is null || current.Status.IsFinished()) return;
        var history = last is null ? current.History : SubmissionEvent.Append(current.History, last);
        var failed = await results.RecordAsync(current with { Pulls = submission.Pulls, History = history }, FailureNotice.Body, SubmissionStatus.Failed, cancellationToken);
        if (failed is null) return;
        await work.TryDeleteAsync(submission.MessageId!, submission.PopReceipt!, cancellationToken);
        await inflight.ClearAsync(work.Name, submission.Id, cancellationToken);
        log.LogWarning("Submission {SubmissionId} on {Queue} failed after {Pulls} unanswered pulls", submission.Id, submission.Queue, submission.Pulls);
    }

    /// <summary>
    /// Push dispatch's hook: fails a submission it holds by a pull (as handed out: its message and pop receipt) the
    /// way the poison rule would, after its last failed attempt rather than on one more pull.
    /// </summary>
    /// <param name="last">The event that failed it, written with the failure.</param>
    public Task FailNowAsync(Submission held, SubmissionEvent? last = null, CancellationToken cancellationToken = default) =>
        FailAsync(catalog.WorkQueue(held.Queue), held, last, cancellationToken);
}
