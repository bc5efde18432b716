using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using XQueue.Functions.Delivery;
using XQueue.Functions.Metrics;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Handouts;

/// <summary>What a pull hands a grader, and the submission as handed out (with the pull's facts), for the caller's own use.</summary>
public sealed record PulledSubmission(long Id, string Key, string Body, IReadOnlyDictionary<string, Uri> FileUrls, Submission Handed);

/// <summary>Who pulls: the grader's user (or token subject) and address, kept in the submission's history.</summary>
public sealed record Grader(string? User, string? Address);

/// <summary>
/// Hands one received work message out to a grader. The message carries the submission (<see cref="WorkMessage"/>),
/// its lease keeps other graders off it, and the key seals its pop receipt and the pull's facts (<see cref="PullKeys"/>),
/// so any instance can act on the key. The hold's row is taken in storage (<see cref="Holds"/>) while the body is
/// read: a message for a submission held through another message, or retired after the message was sent, is dropped
/// there. A message too large to carry its submission names it, and the submission is read. A submission pulled too
/// often without a result is failed; a result whose delivery was cut short (its instance died) is handed to delivery
/// instead.
/// </summary>
public sealed class Handout(
    SubmissionStore store, QueueCatalog catalog, Holds holds, RecentHandouts recent, PullKeys keys, ResultRecorder results, FailedIndex failedIndex,
    AbandonedResults abandoned, XQueueMetrics metrics, TimeProvider time, ILogger<Handout> log)
{
    /// <returns>The submission with its key, or null when the message was stale or a result (and dealt with).</returns>
    /// <exception cref="SubmissionUnreadableException">Its body cannot be read; it comes back after the delay.</exception>
    public async Task<PulledSubmission?> BindAsync(QueueClient work, QueueMessage message, Grader grader, CancellationToken cancellationToken)
    {
        var content = WorkMessage.Read(message.Body.ToString());
        if (content is { Kind: WorkMessageKind.Result, Snapshot: { } accepted })
        {
            // put_result accepted it, and whoever was delivering it is gone: deliver it from here.
            abandoned.Resume(work, message, accepted);
            return null;
        }
        if (content is null)
        {
            await work.TryDeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
            return null;
        }

        var pulls = (int)message.DequeueCount - content.Skipped; // receives that handed it out
        var hold = new Hold(
            work.Name, content.Id, message.MessageId, message.PopReceipt, message.PopReceipt, time.GetUtcNow().ToUnixTimeMilliseconds(),
            (message.NextVisibleOn ?? time.GetUtcNow()).ToUnixTimeMilliseconds(), Grader: grader.User, Address: grader.Address, Pulls: pulls);
        // The hold is taken first (or, with the submission in the message, while its body is read): a message whose
        // submission is held through another message, graded through this one, or retired is dropped there, and is
        // neither handed out nor failed.
        var taking = holds.TakeAsync(hold, SentAt(content, message), cancellationToken);
        var tooOften = pulls - 1 > catalog.Options.MaxFailures;
        if (content.Snapshot is { } snapshot && !tooOften) return await HandOutAsync(work, hold, taking, snapshot, cancellationToken);

        if (await taking is not { } rowETag)
        {
            await work.TryDeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
            return null;
        }
        // Named only, it may be a second copy whose submission was answered meanwhile (its hold ended after its entity
        // recorded the result): the entity is read after the hold is taken.
        var submission = content.Snapshot ?? await store.GetAsync(content.Id, cancellationToken);
        if (submission is null || submission.Status.IsFinished())
        {
            await work.TryDeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
            await holds.EndAsync(work.Name, content.Id, cancellationToken);
            return null;
        }
        if (tooOften) return await FailPulledTooOftenAsync(work, submission, hold, cancellationToken);
        return await HandOutAsync(work, hold, Task.FromResult<string?>(rowETag), submission, cancellationToken);
    }

    // Pulled more than MaxFailures times without a result: this receive is not one more pull.
    async Task<PulledSubmission?> FailPulledTooOftenAsync(QueueClient work, Submission submission, Hold hold, CancellationToken cancellationToken)
    {
        await FailAsync(work, submission with { MessageId = hold.MessageId, PopReceipt = hold.KeyReceipt, Pulls = hold.Pulls - 1 }, null, cancellationToken);
        return null;
    }

    // The service keeps a message's insertion time in whole seconds; the snapshot's own time (a reset's, say) is exact.
    DateTimeOffset SentAt(WorkMessage content, QueueMessage message)
    {
        var inserted = message.InsertedOn ?? time.GetUtcNow();
        return content.Snapshot is { StatusAt: var at } && at > inserted ? at : inserted;
    }

    /// <summary>
    /// The submission with the pull's facts, which ride with it (in memory, then in the hold's row with the result) until delivery
    /// writes them: from the hold, so an instance that did not hand it out can rebuild them from the key.
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

    // The hold's row is taken (<paramref name="taken"/>, its ETag) while the body and file links are made: a pull
    // answers after two round trips, not three. The key, which seals the row's ETag, is made once both are done.
    async Task<PulledSubmission?> HandOutAsync(QueueClient work, Hold hold, Task<string?> taken, Submission submission, CancellationToken cancellationToken)
    {
        var content = ContentAsync(submission, cancellationToken);
        try
        {
            await Task.WhenAll(taken, content);
        }
        catch (SubmissionUnreadableException e)
        {
            log.LogWarning("Submission {SubmissionId} cannot be handed out: {Problem}", submission.Id, e.Message);
            // Not handed out: the hold's row must not make it look held (or the message stale) until the lease ends.
            if (taken.IsCompletedSuccessfully && taken.Result is not null) await holds.ReleaseAsync(hold.Queue, hold.Id, cancellationToken);
            throw;
        }
        if (await taken is not { } rowETag)
        {
            await work.TryDeleteAsync(hold.MessageId, hold.KeyReceipt, cancellationToken);
            return null;
        }
        hold = hold with { RowETag = rowETag };
        var pulled = Pulled(submission, hold, keys.For(hold, submission.Queue));
        var (body, urls) = await content;
        recent.Remember(pulled, catalog.ProcessingDelay(pulled.Queue));
        metrics.Pulled(pulled);
        log.LogInformation("Submission {SubmissionId} pulled from {Queue} (pull {Pulls})", pulled.Id, pulled.Queue, pulled.Pulls);
        return new PulledSubmission(pulled.Id, pulled.PullKey!, body, urls, pulled);
    }

    async Task<(string Body, Dictionary<string, Uri> Urls)> ContentAsync(Submission submission, CancellationToken cancellationToken)
    {
        var expires = time.GetUtcNow() + catalog.Options.FileUrlLifetime;
        var urls = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (name, blobName) in submission.Files) urls[name] = await store.FileUrlAsync(blobName, expires, cancellationToken);
        return (await store.ReadTextAsync(submission.Body, cancellationToken), urls);
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
        await holds.EndAsync(work.Name, submission.Id, cancellationToken);
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
