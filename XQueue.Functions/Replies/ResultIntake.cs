using Azure;
using Azure.Storage.Queues;
using XQueue.Functions.Delivery;
using XQueue.Functions.Metrics;
using XQueue.Functions.Storage;
using XQueue.Functions.Handouts;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Replies;

public enum ResultOutcome
{
    Accepted,
    NoSuchSubmission,
    WrongKey,
    NotAllowed,
}

/// <summary>
/// put_result: opens the key (<see cref="PullKeys"/>), which names the work message and the pop receipt of the pull,
/// and turns that message into the result (<see cref="WorkMessage.ForResult"/>) with one update made with the receipt:
/// that update is both the proof that the grader still holds the lease and the durable promise to deliver. Any
/// instance can do it at once; none asks another. After extend_lease the receipt has moved, and the new one is read
/// from the hold's row (<see cref="Holds"/>). The grader is answered at once; the LMS is called by Delivery, which records the
/// result in the submission's entity. Results that cannot travel that way (score-event or push queues, a reply too
/// large for a message) are recorded in the entity first. A key whose message has moved on may still amend a result
/// delivered already, as in the original: the entity keeps the key it was graded with.
/// </summary>
public sealed class ResultIntake(
    SubmissionStore store, QueueCatalog catalog, RecentHandouts recent, PullKeys keys, Holds holds, ResultRecorder results, ChannelSender channels,
    DeliveryOutbox outbox, DeliveryWorker worker, ResultCounts counts, XQueueMetrics metrics, TimeProvider time, ILogger<ResultIntake> log)
{
    /// <param name="mayGrade">Whether the caller may grade a given queue: put_result checks the submission's own queue.</param>
    public async Task<ResultOutcome> AcceptAsync(
        long id, string key, string reply, Func<string, bool> mayGrade, CancellationToken cancellationToken = default)
    {
        if (keys.Open(key) is { } pull && pull.Id == id && catalog.Contains(pull.Queue))
        {
            if (!mayGrade(pull.Queue)) return ResultOutcome.NotAllowed;
            if (await AcceptHeldAsync(pull, key, reply, cancellationToken) is { } outcome) return outcome;
        }
        return await AcceptRecordedAsync(id, key, reply, mayGrade, cancellationToken);
    }

    /// <returns>Null when the message is not this pull's any more (answered, failed, or handed out again).</returns>
    async Task<ResultOutcome?> AcceptHeldAsync(PullKey pull, string key, string reply, CancellationToken cancellationToken)
    {
        var work = catalog.WorkQueue(pull.Queue);
        var delay = catalog.ProcessingDelay(pull.Queue);
        var hold = pull.HeldAs(work.Name, pull.Receipt, pull.PulledAt + delay);
        // The submission as this instance handed it out with this very key goes into the result message whole. Handed
        // out elsewhere, the message carries the result alone (the pull's facts come from the key) and delivery reads
        // the submission: put_result is one call on any instance. Recorded in the entity instead, it is read here.
        var viaMessage = channels.ChannelsFor(pull.Queue) is [DeliveryChannel.Callback];
        var handed = recent.Find(key) ?? (viaMessage ? Handout.Pulled(ResultOnly(pull), hold, key) : null);
        var result = viaMessage ? await ResultMessageAsync(handed!, reply, cancellationToken) : null;
        if (result is null && handed?.ETag is null)
        {
            handed = await store.GetAsync(pull.Id, cancellationToken) is { } stored ? Handout.Pulled(stored, hold, key) : null;
        }
        if (handed is null) return ResultOutcome.NoSuchSubmission;

        await foreach (var lease in holds.CandidatesAsync(work.Name, pull, delay, cancellationToken))
        {
            var outcome = result is { } message
                ? await UpdateIntoResultAsync(work, hold with { Receipt = lease.Receipt }, handed, message.Accepted, message.Text, cancellationToken)
                : await RecordAsync(work, hold with { Receipt = lease.Receipt }, handed, reply, cancellationToken);
            if (outcome is not null) return outcome;
        }
        if (result?.Accepted.Reply?.BlobName is { } orphan) await store.DeleteBlobAsync(orphan, cancellationToken);
        return null;
    }

    // Stands in for a submission this instance did not hand out: no ETag, so delivery reads the entity and puts the
    // result onto it (ResultDelivery).
    static Submission ResultOnly(PullKey pull) =>
        new() { Id = pull.Id, Queue = pull.Queue, Header = "", CallbackUrl = "", ReceivedAt = pull.PulledAt, StatusAt = pull.PulledAt };

    // The result as its message will carry it; null when it would not fit (the entity records it instead).
    async Task<(Submission Accepted, string Text)?> ResultMessageAsync(Submission handed, string reply, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var version = Math.Max(handed.ReplyVersion + 1, now.ToUnixTimeMilliseconds());
        var accepted = handed with
        {
            Status = SubmissionStatus.Retired,
            RetireReason = RetireReason.Graded,
            Reply = await store.StoreTextAsync(handed.Id, $"reply-{version}", reply, cancellationToken),
            ReplyVersion = version,
            GradedAt = now,
            FinishedAt = now,
            StatusAt = now,
            Delivery = DeliveryState.Pending,
            Channels = [],
        };
        if (WorkMessage.ForResult(accepted) is { } text) return (accepted, text);
        if (accepted.Reply.BlobName is { } unused) await store.DeleteBlobAsync(unused, cancellationToken);
        return null;
    }

    // One update, with the hold's receipt, turns the message into the result: the proof of the lease and the promise to deliver.
    async Task<ResultOutcome?> UpdateIntoResultAsync(
        QueueClient work, Hold hold, Submission handed, Submission accepted, string text, CancellationToken cancellationToken)
    {
        try
        {
            var moved = (await work.UpdateMessageAsync(hold.MessageId, hold.Receipt, text, outbox.AttemptLease, cancellationToken)).Value;
            recent.Forget(handed.PullKey!);
            worker.StartSoon(new OutboxEntry(hold.Id, accepted.ReplyVersion, hold.MessageId, moved.PopReceipt, accepted.GradedAt!.Value, work.Name), accepted);
        }
        catch (RequestFailedException e) when (e.Status is 400 or 404)
        {
            return null;
        }
        counts.Finished(accepted.Queue, accepted.Status, accepted.RetireReason);
        metrics.Recorded(handed, accepted);
        log.LogInformation("Result for submission {SubmissionId} accepted (reply {ReplyVersion})", hold.Id, accepted.ReplyVersion);
        return ResultOutcome.Accepted;
    }

    // The message is moved first (the proof that the grader still holds it, and time to record), then the entity records
    // the result (with the pull's facts) and the outbox the promise; then the work message goes.
    async Task<ResultOutcome?> RecordAsync(QueueClient work, Hold hold, Submission handed, string reply, CancellationToken cancellationToken)
    {
        try
        {
            hold = hold with { Receipt = (await work.HideAsync(hold.MessageId, hold.Receipt, outbox.AttemptLease, cancellationToken)).PopReceipt };
        }
        catch (RequestFailedException e) when (e.Status is 400 or 404)
        {
            return null;
        }
        while (await store.GetAsync(hold.Id, cancellationToken) is { } current)
        {
            var stored = await results.RecordAsync(current with
            {
                PullKey = handed.PullKey, Pulls = handed.Pulls, GraderUser = handed.GraderUser, GraderAddress = handed.GraderAddress,
                PulledAt = handed.PulledAt, FirstPulledAt = handed.FirstPulledAt, LeaseUntil = handed.LeaseUntil,
                History = handed.History,
            }, reply, SubmissionStatus.Retired, cancellationToken);
            if (stored is null) continue;
            await work.TryDeleteAsync(hold.MessageId, hold.Receipt, cancellationToken);
            await holds.EndAsync(hold.Queue, hold.Id, cancellationToken); // after the message: never counted as waiting
            log.LogInformation("Result for submission {SubmissionId} accepted (reply {ReplyVersion})", hold.Id, stored.ReplyVersion);
            return ResultOutcome.Accepted;
        }
        return ResultOutcome.NoSuchSubmission;
    }

    // No hold the key was made for: the result may amend one delivered already (the entity keeps the key), as in the original.
    async Task<ResultOutcome> AcceptRecordedAsync(long id, string key, string reply, Func<string, bool> mayGrade, CancellationToken cancellationToken)
    {
        while (true)
        {
            var submission = await store.GetAsync(id, cancellationToken);
            if (submission is null) return ResultOutcome.NoSuchSubmission;
            if (!PullKeys.Matches(submission.PullKey, key)) return ResultOutcome.WrongKey;
            if (!mayGrade(submission.Queue)) return ResultOutcome.NotAllowed;
            if (await results.RecordAsync(submission, reply, SubmissionStatus.Retired, cancellationToken) is { } stored)
            {
                log.LogInformation("Result for submission {SubmissionId} accepted (reply {ReplyVersion})", id, stored.ReplyVersion);
                return ResultOutcome.Accepted;
            }
        }
    }
}
