using System.Security.Cryptography;
using XQueue.Functions.Metrics;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

public sealed record PulledSubmission(long Id, string Key, string Body, IReadOnlyDictionary<string, Uri> FileUrls);

/// <summary>Who pulls: the grader's user (or token subject) and address, kept in the submission's history.</summary>
public sealed record Grader(string? User, string? Address);

/// <summary>
/// Hands one received work message out to a grader: binds a fresh key to it with an ETag-conditional write —
/// the message lease keeps other graders off it, the ETag keeps a late put_result and a requeue from crossing,
/// and binds a submission that came from the backlog to the first of its messages. Stale messages (superseded,
/// finished, orphaned) are dropped, and a submission pulled too often without a result is failed.
/// </summary>
public sealed class Handout(
    SubmissionStore store, QueueCatalog catalog, InflightIndex inflight, ResultRecorder results,
    FailedIndex failedIndex, XQueueMetrics metrics, TimeProvider time, ILogger<Handout> log)
{
    // A message without its entity yet: read again after 20, 40, 80, 160 and 320 ms (see ReadAsync).
    const int EntityWaits = 5;
    static readonly TimeSpan EntityWait = TimeSpan.FromMilliseconds(20);

    // Only a message sent moments ago can belong to a submit still writing; an older one without its entity is
    // an orphan, set aside at once (see Judge).
    static readonly TimeSpan SubmitInProgress = TimeSpan.FromSeconds(5);

    /// <returns>The submission with its new key, or null when the message was stale (and dealt with).</returns>
    /// <exception cref="SubmissionUnreadableException">Its body cannot be read; it comes back after the delay.</exception>
    public async Task<PulledSubmission?> BindAsync(QueueClient work, QueueMessage message, Grader grader, CancellationToken cancellationToken)
    {
        if (!long.TryParse(message.Body.ToString(), out var id))
        {
            await work.TryDeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
            return null;
        }

        // Two tries: the first write can lose to a put_result or supersede that raced with this requeue.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var submission = await ReadAsync(id, message, cancellationToken);
            var verdict = Judge(submission, message);
            if (verdict == Verdict.NotYet)
            {
                await work.HideAsync(message.MessageId, message.PopReceipt, TimeSpan.FromSeconds(2), cancellationToken);
                return null;
            }
            if (verdict == Verdict.Drop)
            {
                await work.TryDeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
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
    async Task<Submission?> ReadAsync(long id, QueueMessage message, CancellationToken cancellationToken)
    {
        var submission = await store.GetAsync(id, cancellationToken);
        for (var wait = 1; submission is null && wait <= EntityWaits && IsYoung(message); wait++)
        {
            await Task.Delay(EntityWait * (1 << (wait - 1)), time, cancellationToken);
            submission = await store.GetAsync(id, cancellationToken);
        }
        return submission;
    }

    // A received message always carries both times; the fallbacks only keep a malformed answer from passing as old.
    DateTimeOffset Inserted(QueueMessage message) => message.InsertedOn ?? time.GetUtcNow();

    DateTimeOffset NextVisible(QueueMessage message) => message.NextVisibleOn ?? time.GetUtcNow();

    bool IsYoung(QueueMessage message) => time.GetUtcNow() - Inserted(message) < SubmitInProgress;

    async Task<PulledSubmission> HandOutAsync(QueueClient work, Submission submission, string key, QueueMessage message, CancellationToken cancellationToken)
    {
        var mark = inflight.MarkAsync(work.Name, submission.Id, NextVisible(message), cancellationToken);
        var expires = time.GetUtcNow() + catalog.Options.FileUrlLifetime;
        var urls = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (name, blobName) in submission.Files) urls[name] = await store.FileUrlAsync(blobName, expires, cancellationToken);
        try
        {
            var body = await store.ReadTextAsync(submission.Body, cancellationToken);
            await mark;
            metrics.Pulled(submission);
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

    Verdict Judge(Submission? submission, QueueMessage message)
    {
        if (submission is null)
        {
            // No entity: either its submit is still writing, or it crashed before the reply (never acknowledged).
            return time.GetUtcNow() - Inserted(message) < GraderPulls.OrphanGrace ? Verdict.NotYet : Verdict.Drop;
        }
        if (submission.Status.IsFinished()) return Verdict.Drop;
        // A submission from the backlog names no message until a pull binds the first one that comes up;
        // from then on any other message for it (a refill that ran twice) is a stale duplicate, as before.
        var bound = submission.MessageId == message.MessageId;
        var fromBacklog = submission is { MessageId: null, Status: SubmissionStatus.Pending };
        if (!bound && !fromBacklog) return Verdict.Drop;
        return submission.Pulls > catalog.Options.MaxFailures ? Verdict.Poison : Verdict.Hand;
    }

    async Task<(Submission Submission, string Key)?> TryBindAsync(Submission submission, QueueMessage message, Grader grader, CancellationToken cancellationToken)
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
            LeaseUntil = NextVisible(message),
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
        await work.TryDeleteAsync(messageId, popReceipt, cancellationToken);
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
