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
/// put_result: opens the key (<see cref="PullKeys"/>), which names the work message, the pop receipt of the pull and
/// the ETag of the hold's row as the pull wrote it, and writes the result into that row (<see cref="HoldResults.AcceptResultAsync"/>)
/// with one merge made only if the row is still as the pull left it: that write is both the proof that the grader
/// still holds the submission (a later pull would have taken the row) and the durable promise to deliver. Any instance
/// can do it at once; none asks another. After extend_lease the row has moved on, and it is read first. The grader is
/// answered at once; the LMS is called by Delivery, which records the result in the submission's entity and then
/// deletes the work message and the row. Results that cannot travel that way (score-event or push queues, a reply too
/// large for a row) are recorded in the entity first. A key whose hold has ended may still amend a result delivered
/// already, as in the original: the entity keeps the key it was graded with.
/// </summary>
public sealed class ResultIntake(
    SubmissionStore store, QueueCatalog catalog, RecentHandouts recent, PullKeys keys, Holds holds, HoldResults heldResults, ResultRecorder results, ChannelSender channels,
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
        var mine = recent.Find(key);
        if (channels.ChannelsFor(pull.Queue) is [DeliveryChannel.Callback])
        {
            // The submission as this instance handed it out with this very key goes into the row whole. Handed out
            // elsewhere, the row gets the result alone (the pull's facts come from the key) and delivery reads the
            // submission: put_result is one call on any instance.
            var handed = mine ?? Handout.Pulled(ResultOnly(pull), hold, key);
            if (await ResultTextAsync(handed, reply, cancellationToken) is { } result)
            {
                if (await heldResults.AcceptResultAsync(work.Name, pull, result.Text, time.GetUtcNow() + outbox.AttemptLease, cancellationToken) is { } held)
                {
                    return Accepted(handed, result.Accepted, held);
                }
                if (result.Accepted.Reply?.BlobName is { } orphan) await store.DeleteBlobAsync(orphan, cancellationToken);
                return null;
            }
        }

        // Recorded in the entity instead (other channels, or a result too large for the row): the submission is read.
        var submission = mine ?? (await store.GetAsync(pull.Id, cancellationToken) is { } stored ? Handout.Pulled(stored, hold, key) : null);
        if (submission is null) return ResultOutcome.NoSuchSubmission;
        await foreach (var lease in holds.CandidatesAsync(work.Name, pull, delay, cancellationToken))
        {
            if (await RecordAsync(work, hold with { Receipt = lease.Receipt }, submission, reply, cancellationToken) is { } outcome) return outcome;
        }
        return null;
    }

    // Stands in for a submission this instance did not hand out: no ETag, so delivery reads the entity and puts the
    // result onto it (ResultDelivery).
    static Submission ResultOnly(PullKey pull) =>
        new() { Id = pull.Id, Queue = pull.Queue, Header = "", CallbackUrl = "", ReceivedAt = pull.PulledAt, StatusAt = pull.PulledAt };

    // The result as the hold's row will keep it; null when it would not fit (the entity records it instead).
    async Task<(Submission Accepted, string Text)?> ResultTextAsync(Submission handed, string reply, CancellationToken cancellationToken)
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
        if (WorkMessage.ResultText(accepted) is var text && HoldResults.Fits(text)) return (accepted, text);
        if (accepted.Reply.BlobName is { } unused) await store.DeleteBlobAsync(unused, cancellationToken);
        return null;
    }

    // Written into the row: the grader is answered, and delivery starts here at once.
    ResultOutcome Accepted(Submission handed, Submission accepted, HeldResult held)
    {
        recent.Forget(handed.PullKey!);
        worker.StartSoon(OutboxEntry.ForHeldResult(held, accepted), accepted);
        counts.Finished(accepted.Queue, accepted.Status, accepted.RetireReason);
        metrics.Recorded(handed, accepted);
        log.LogInformation("Result for submission {SubmissionId} accepted (reply {ReplyVersion})", held.Id, accepted.ReplyVersion);
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
