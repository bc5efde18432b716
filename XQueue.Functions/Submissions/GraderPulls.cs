using System.Security.Cryptography;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

public sealed record PulledSubmission(long Id, string Key, string Body, IReadOnlyDictionary<string, Uri> FileUrls);

/// <summary>
/// get_submission: receives one work message with visibility = the processing delay (so an unanswered
/// pull reappears by itself), then binds a fresh key to it with an ETag-conditional write — the message
/// lease keeps other graders off it, the ETag keeps a late put_result and a requeue from crossing, and
/// binds a submission that came from the backlog to the first of its messages.
/// </summary>
public sealed class GraderPulls(
    SubmissionStore store, QueueCatalog catalog, InflightIndex inflight, ResultRecorder results,
    QueueWindow window, BacklogRefill refill, FailedIndex failedIndex, TimeProvider time, ILogger<GraderPulls> log)
{
    /// <summary>A message without an entity younger than this may belong to a submit still in progress.</summary>
    public static readonly TimeSpan OrphanGrace = TimeSpan.FromMinutes(2);

    // Stale messages (superseded, finished, orphaned) are dropped as they come up; bound the work one poll may do.
    const int MaxMessagesPerPoll = 16;

    // A message without its entity yet: read again after 20, 40, 80, 160 and 320 ms (see ReadAsync).
    const int EntityWaits = 5;
    static readonly TimeSpan EntityWait = TimeSpan.FromMilliseconds(20);

    // Only a message sent moments ago can belong to a submit still writing; an older one without its entity is
    // an orphan, set aside at once (see Judge).
    static readonly TimeSpan SubmitInProgress = TimeSpan.FromSeconds(5);

    public async Task<PulledSubmission?> PullAsync(string queueName, string? graderUser, string? graderAddress, CancellationToken cancellationToken = default)
    {
        var work = catalog.WorkQueue(queueName);
        var delay = catalog.ProcessingDelay(queueName);
        var refilled = false;
        for (var i = 0; i < MaxMessagesPerPoll; i++)
        {
            var messages = await work.ReceiveAsync(1, delay, cancellationToken);
            if (messages.Count == 0)
            {
                // The window ran dry before a background refill caught up, or another instance spilled:
                // move some in now rather than tell the grader the queue is empty. Once per poll.
                if (refilled || !window.MayHaveBacklog(queueName)) return null;
                refilled = true;
                if (!await refill.RefillNowAsync(queueName, cancellationToken)) return null;
                continue;
            }
            window.Received(queueName);
            var pulled = await BindAsync(work, messages[0], new Grader(graderUser, graderAddress), cancellationToken);
            if (pulled is not null)
            {
                refill.RefillIfLow(queueName);
                return pulled;
            }
        }
        return null;
    }

    sealed record Grader(string? User, string? Address);

    async Task<PulledSubmission?> BindAsync(QueueClient work, ReceivedMessage message, Grader grader, CancellationToken cancellationToken)
    {
        if (!long.TryParse(message.Text, out var id))
        {
            await work.DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
            return null;
        }

        // Two tries: the first write can lose to a put_result or supersede that raced with this requeue.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var submission = await ReadAsync(id, message, cancellationToken);
            var verdict = Judge(submission, message);
            if (verdict == Verdict.NotYet)
            {
                await work.UpdateVisibilityAsync(message.MessageId, message.PopReceipt, TimeSpan.FromSeconds(2), cancellationToken);
                return null;
            }
            if (verdict == Verdict.Drop)
            {
                await work.DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
                return null;
            }
            if (verdict == Verdict.Poison)
            {
                await FailAsync(work, submission!, message.MessageId, message.PopReceipt, cancellationToken);
                return null;
            }

            if (await TryBindAsync(submission!, message, grader, cancellationToken) is not { } bound) continue;

            return await HandOutAsync(work, bound.Submission, bound.Key, message, cancellationToken);
        }
        return null;
    }

    // Submit sends the message just before it inserts the entity, so a grader polling at that moment finds no
    // entity yet. Waiting for it (milliseconds, as a rule; at most 0.6 s on a struggling store) beats hiding the
    // message for 2 s and answering "empty" (after which xqueue-watcher sleeps a second): the wait costs a read
    // or two, only in that race, or when a submit died between its writes.
    async Task<Submission?> ReadAsync(long id, ReceivedMessage message, CancellationToken cancellationToken)
    {
        var submission = await store.GetAsync(id, cancellationToken);
        for (var wait = 1; submission is null && wait <= EntityWaits && IsYoung(message); wait++)
        {
            await Task.Delay(EntityWait * (1 << (wait - 1)), time, cancellationToken);
            submission = await store.GetAsync(id, cancellationToken);
        }
        return submission;
    }

    bool IsYoung(ReceivedMessage message) => time.GetUtcNow() - message.InsertionTime < SubmitInProgress;

    async Task<PulledSubmission> HandOutAsync(QueueClient work, Submission submission, string key, ReceivedMessage message, CancellationToken cancellationToken)
    {
        var mark = inflight.MarkAsync(work.Name, submission.Id, message.TimeNextVisible, cancellationToken);
        var expires = time.GetUtcNow() + catalog.Options.FileUrlLifetime;
        var urls = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (name, blobName) in submission.Files) urls[name] = await store.FileUrlAsync(blobName, expires, cancellationToken);
        try
        {
            var body = await store.ReadTextAsync(submission.Body, cancellationToken);
            await mark;
            log.LogInformation("Submission {SubmissionId} pulled from {Queue} (pull {Pulls})", submission.Id, submission.Queue, submission.Pulls);
            return new PulledSubmission(submission.Id, key, body, urls);
        }
        catch (SubmissionUnreadableException e)
        {
            await mark;
            log.LogWarning("Submission {SubmissionId} cannot be handed out: {Problem}", submission.Id, e.Message);
            throw;
        }
    }

    enum Verdict { Hand, Drop, NotYet, Poison }

    Verdict Judge(Submission? submission, ReceivedMessage message)
    {
        if (submission is null)
        {
            // No entity: either its submit is still writing, or it crashed before the reply (never acknowledged).
            return time.GetUtcNow() - message.InsertionTime < OrphanGrace ? Verdict.NotYet : Verdict.Drop;
        }
        if (submission.Status.IsFinished()) return Verdict.Drop;
        // A submission from the backlog names no message until a pull binds the first one that comes up;
        // from then on any other message for it (a refill that ran twice) is a stale duplicate, as before.
        var bound = submission.MessageId == message.MessageId;
        var fromBacklog = submission is { MessageId: null, Status: SubmissionStatus.Pending };
        if (!bound && !fromBacklog) return Verdict.Drop;
        return submission.Pulls > catalog.Options.MaxFailures ? Verdict.Poison : Verdict.Hand;
    }

    async Task<(Submission Submission, string Key)?> TryBindAsync(Submission submission, ReceivedMessage message, Grader grader, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var stored = await store.TryReplaceAsync(submission with
        {
            Status = SubmissionStatus.Pulled,
            PullKey = key,
            MessageId = message.MessageId,
            PopReceipt = message.PopReceipt,
            Pulls = submission.Pulls + 1,
            GraderUser = grader.User,
            GraderAddress = grader.Address,
            PulledAt = now,
            FirstPulledAt = submission.FirstPulledAt ?? now,
            LeaseUntil = message.TimeNextVisible,
            StatusAt = now,
            History = SubmissionEvent.Append(submission.History, new(now, SubmissionEvent.Pulled, grader.User, grader.Address)),
        }, cancellationToken);
        return stored is null ? null : (stored, key);
    }

    // Pulled more than MaxFailures times without a result: stop handing it out and tell the LMS (legacy notice).
    async Task FailAsync(QueueClient work, Submission submission, string messageId, string popReceipt, CancellationToken cancellationToken)
    {
        await failedIndex.AddAsync(submission, time.GetUtcNow(), cancellationToken);
        var failed = await results.RecordAsync(submission, FailureNotice.Body, SubmissionStatus.Failed, cancellationToken);
        if (failed is null) return;
        await work.DeleteAsync(messageId, popReceipt, cancellationToken);
        await inflight.ClearAsync(work.Name, submission.Id, cancellationToken);
        log.LogWarning("Submission {SubmissionId} on {Queue} failed after {Pulls} unanswered pulls", submission.Id, submission.Queue, submission.Pulls);
    }

    /// <summary>
    /// Push dispatch's hook: fails a submission it holds by a pull (as read after the pull: its message and
    /// pop receipt) the way the poison rule would, after its last failed attempt rather than on one more pull.
    /// </summary>
    public Task FailNowAsync(Submission held, CancellationToken cancellationToken = default) =>
        FailAsync(catalog.WorkQueue(held.Queue), held, held.MessageId!, held.PopReceipt!, cancellationToken);
}
