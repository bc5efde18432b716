using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Queues;
using XQueue.Functions.Delivery;
using XQueue.Functions.Metrics;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

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
/// from <see cref="ExtendedLeases"/>. The grader is answered at once; the LMS is called by Delivery, which records the
/// result in the submission's entity. Results that cannot travel that way (score-event or push queues, a reply too
/// large for a message) are recorded in the entity first. A key whose message has moved on may still amend a result
/// delivered already, as in the original: the entity keeps the key it was graded with.
/// </summary>
public sealed class ResultIntake(
    SubmissionStore store, QueueCatalog catalog, InflightIndex inflight, PullKeys keys, ExtendedLeases leases, ResultRecorder results, ChannelSender channels,
    DeliveryOutbox outbox, DeliveryWorker worker, ResultCounts counts, XQueueMetrics metrics, TimeProvider time, ILogger<ResultIntake> log)
{
    /// <param name="mayGrade">Whether the caller may grade a given queue: put_result checks the submission's own queue.</param>
    public async Task<ResultOutcome> AcceptAsync(
        long id, string key, string reply, Func<string, bool> mayGrade, CancellationToken cancellationToken = default)
    {
        if (keys.Open(key) is { } pull && pull.Id == id && catalog.Contains(pull.Queue))
        {
            if (!mayGrade(pull.Queue)) return ResultOutcome.NotAllowed;
            if (await AcceptHeldAsync(pull, pull.Receipt, key, reply, cancellationToken) is { } outcome) return outcome;
            // Refused: the lease was extended (a new receipt), or the message moved on (answered, failed, or handed out again).
            if (await leases.FindAsync(pull, cancellationToken) is { } extended &&
                await AcceptHeldAsync(pull, extended.Receipt, key, reply, cancellationToken) is { } afterExtend)
            {
                return afterExtend;
            }
        }
        return await AcceptRecordedAsync(id, key, reply, mayGrade, cancellationToken);
    }

    /// <returns>Null when <paramref name="receipt"/> is not the message's any more.</returns>
    async Task<ResultOutcome?> AcceptHeldAsync(PullKey pull, string receipt, string key, string reply, CancellationToken cancellationToken)
    {
        var hold = pull.HeldAs(catalog.WorkQueue(pull.Queue).Name, receipt, pull.PulledAt + catalog.ProcessingDelay(pull.Queue));
        // The submission as this instance handed it out saves a read; handed out elsewhere, it is read and the pull's facts come from the key.
        var handed = inflight.HandedOut(pull.Id) is { } mine && mine.MessageId == pull.MessageId
            ? mine
            : await store.GetAsync(pull.Id, cancellationToken) is { } stored ? Handout.Pulled(stored, hold, key) : null;
        if (handed is null) return ResultOutcome.NoSuchSubmission;
        var work = catalog.WorkQueue(handed.Queue);
        var now = time.GetUtcNow();
        var version = Math.Max(handed.ReplyVersion + 1, now.ToUnixTimeMilliseconds());
        var accepted = handed with
        {
            Status = SubmissionStatus.Retired,
            RetireReason = RetireReason.Graded,
            PullKey = key,
            Reply = await store.StoreTextAsync(pull.Id, $"reply-{version}", reply, cancellationToken),
            ReplyVersion = version,
            GradedAt = now,
            FinishedAt = now,
            StatusAt = now,
            Delivery = DeliveryState.Pending,
            Channels = [],
        };
        var text = channels.ChannelsFor(handed.Queue) is [DeliveryChannel.Callback] ? WorkMessage.ForResult(accepted) : null;
        if (text is null) return await RecordAsync(work, hold, accepted, reply, cancellationToken);
        try
        {
            var moved = (await work.UpdateMessageAsync(pull.MessageId, receipt, text, outbox.AttemptLease, cancellationToken)).Value;
            inflight.Moved(hold, moved.PopReceipt, moved.NextVisibleOn, accepted);
            worker.StartSoon(new OutboxEntry(pull.Id, version, pull.MessageId, moved.PopReceipt, now, work.Name), accepted);
        }
        catch (RequestFailedException e) when (e.Status is 400 or 404)
        {
            return null;
        }
        counts.Finished(accepted.Queue, accepted.Status, accepted.RetireReason);
        metrics.Recorded(handed, accepted);
        log.LogInformation("Result for submission {SubmissionId} accepted (reply {ReplyVersion})", pull.Id, version);
        return ResultOutcome.Accepted;
    }

    // The message is moved first (the proof that the grader still holds it, and time to record), then the entity records
    // the result (with the pull's facts) and the outbox the promise; then the work message goes.
    async Task<ResultOutcome?> RecordAsync(QueueClient work, Hold hold, Submission accepted, string reply, CancellationToken cancellationToken)
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
                PullKey = accepted.PullKey, Pulls = accepted.Pulls, GraderUser = accepted.GraderUser, GraderAddress = accepted.GraderAddress,
                PulledAt = accepted.PulledAt, FirstPulledAt = accepted.FirstPulledAt, LeaseUntil = accepted.LeaseUntil,
                History = accepted.History,
            }, reply, SubmissionStatus.Retired, cancellationToken);
            if (stored is null) continue;
            await work.TryDeleteAsync(hold.MessageId, hold.Receipt, cancellationToken);
            await inflight.ClearAsync(hold.Queue, hold.Id, cancellationToken);
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
            if (!KeyMatches(submission.PullKey, key)) return ResultOutcome.WrongKey;
            if (!mayGrade(submission.Queue)) return ResultOutcome.NotAllowed;
            if (await results.RecordAsync(submission, reply, SubmissionStatus.Retired, cancellationToken) is { } stored)
            {
                log.LogInformation("Result for submission {SubmissionId} accepted (reply {ReplyVersion})", id, stored.ReplyVersion);
                return ResultOutcome.Accepted;
            }
        }
    }

    internal static bool KeyMatches(string? expected, string given) =>
        !string.IsNullOrEmpty(expected) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
}
