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
/// put_result: checks the key against the hold it was made for, and turns the held work message into the result
/// (<see cref="WorkMessage.ForResult"/>) with one update, made with the hold's receipt: that update is both the
/// proof that the grader still holds the lease and the durable promise to deliver. The grader is answered at once;
/// the LMS is called by Delivery, which records the result in the submission's entity. Results that cannot travel
/// that way (score-event or push queues, a reply too large for a message, a key whose hold has ended, such as a
/// repeated put_result after delivery, which amends the result as in the original) are recorded in the entity first.
/// </summary>
public sealed class ResultIntake(
    SubmissionStore store, QueueCatalog catalog, InflightIndex inflight, PullKeys keys, ResultRecorder results, ChannelSender channels,
    DeliveryOutbox outbox, DeliveryWorker worker, ResultCounts counts, XQueueMetrics metrics, TimeProvider time, ILogger<ResultIntake> log)
{
    /// <param name="mayGrade">Whether the caller may grade a given queue: put_result checks the submission's own queue.</param>
    public async Task<ResultOutcome> AcceptAsync(
        long id, string key, string reply, Func<string, bool> mayGrade, CancellationToken cancellationToken = default)
    {
        // A hold whose lease runs is the truth about the key: only its grader's key is taken, or a key the entity
        // recorded (a result delivered already may be amended, as in the original). With no such hold known, later looks
        // read the other instances' holds afresh: one may have handed the submission out a moment ago and publish it
        // within a few hundred milliseconds.
        await foreach (var look in inflight.LookForKeyAsync(id, hold => keys.Matches(key, id, hold.MessageId, hold.KeyReceipt), cancellationToken))
        {
            if (look.Hold is { } hold)
            {
                if (!mayGrade(catalog.QueueOfWorkQueue(hold.Queue) ?? "")) return ResultOutcome.NotAllowed;
                if (await AcceptHeldAsync(hold, key, reply, cancellationToken) is { } outcome) return outcome;
                continue; // its message moved on meanwhile: look again
            }
            if (look.Number == 0 && !look.Last) continue;
            var recorded = await AcceptRecordedAsync(id, key, reply, mayGrade, cancellationToken);
            if (recorded != ResultOutcome.WrongKey || look.Last) return recorded;
        }
        return await AcceptRecordedAsync(id, key, reply, mayGrade, cancellationToken);
    }

    async Task<ResultOutcome?> AcceptHeldAsync(Hold hold, string key, string reply, CancellationToken cancellationToken)
    {
        // Handed out by another instance: its pull's facts come from the hold it published.
        var handed = inflight.HandedOut(hold.Id) ?? (await store.GetAsync(hold.Id, cancellationToken) is { } stored ? Handout.Pulled(stored, hold, key) : null);
        if (handed is null) return ResultOutcome.NoSuchSubmission;
        var work = catalog.WorkQueue(handed.Queue);
        var now = time.GetUtcNow();
        var version = Math.Max(handed.ReplyVersion + 1, now.ToUnixTimeMilliseconds());
        var accepted = handed with
        {
            Status = SubmissionStatus.Retired,
            RetireReason = RetireReason.Graded,
            PullKey = key,
            Reply = await store.StoreTextAsync(hold.Id, $"reply-{version}", reply, cancellationToken),
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
            var moved = (await work.UpdateMessageAsync(hold.MessageId, hold.Receipt, text, outbox.AttemptLease, cancellationToken)).Value;
            inflight.Moved(hold, moved.PopReceipt, moved.NextVisibleOn, accepted);
            worker.StartSoon(new OutboxEntry(hold.Id, version, hold.MessageId, moved.PopReceipt, now, work.Name), accepted);
        }
        catch (RequestFailedException e) when (e.Status is 400 or 404)
        {
            return null; // the receipt moved on: another instance extended or answered it, or the lease ran out
        }
        counts.Finished(accepted.Queue, accepted.Status, accepted.RetireReason);
        metrics.Recorded(handed, accepted);
        log.LogInformation("Result for submission {SubmissionId} accepted (reply {ReplyVersion})", hold.Id, version);
        return ResultOutcome.Accepted;
    }

    // The entity records the result (with the pull's facts) and the outbox the promise; then the work message goes.
    async Task<ResultOutcome?> RecordAsync(QueueClient work, Hold hold, Submission accepted, string reply, CancellationToken cancellationToken)
    {
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
