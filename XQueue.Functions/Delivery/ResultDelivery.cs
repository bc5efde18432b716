using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Metrics;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>
/// One delivery attempt for one outbox entry, on every channel the result is still owed to (LMS callback,
/// score event queue, Event Grid). Never re-grades: a failed channel only moves the entry's next attempt later
/// (exponential backoff with jitter), until every channel has the result or GiveUpAfter passes; a channel that
/// has it is not sent to again.
/// </summary>
public sealed class ResultDelivery(
    SubmissionStore store, DeliveryOutbox outbox, ChannelSender channels, IOptions<XQueueOptions> options,
    XQueueMetrics metrics, TimeProvider time, ILogger<ResultDelivery> log)
{
    /// <summary>An outbox entry whose reply is not in the entity yet may belong to a put_result still under way.</summary>
    static readonly TimeSpan ReplyGrace = TimeSpan.FromMinutes(2);

    /// <param name="known">
    /// The submission as the caller has it: as put_result stored it, or as put_result accepted it into the hold's row
    /// (then this attempt is what records the result in the entity, with the ETag the entity had when it was handed out,
    /// or, accepted through an instance that did not hand it out, onto the entity read first).
    /// </param>
    public async Task AttemptAsync(OutboxEntry entry, Submission? known = null, CancellationToken cancellationToken = default)
    {
        var submission = known is { ETag: not null } ? known : await ReadAsync(entry, known, cancellationToken);
        if (submission is null || entry.ReplyVersion < submission.ReplyVersion ||
            (entry.ReplyVersion == submission.ReplyVersion && submission.Delivery == DeliveryState.Delivered))
        {
            await outbox.CompleteAsync(entry, cancellationToken); // deleted, amended since, or already delivered
            return;
        }
        if (entry.ReplyVersion > submission.ReplyVersion || submission.Reply is null)
        {
            // The entry was written but its reply never was (crash, or a lost race): give the writer time, then drop.
            if (time.GetUtcNow() - entry.InsertionTime > ReplyGrace) await outbox.CompleteAsync(entry, cancellationToken);
            else await outbox.RetryLaterAsync(entry, TimeSpan.FromSeconds(5), cancellationToken);
            return;
        }

        var owed = channels.ChannelsFor(submission.Queue);
        var due = owed.Where(channel => submission.Channels.FirstOrDefault(c => c.Channel == channel) is not { Done: true }).ToList();
        var reply = await store.ReadTextAsync(submission.Reply, cancellationToken);
        var outcomes = await channels.SendAsync(submission, reply, due, cancellationToken);
        var now = time.GetUtcNow();
        var giveUp = now - entry.InsertionTime > options.Value.Delivery.GiveUpAfter;

        DeliveryRound? round = null;
        await store.UpdateAsync(submission, read =>
        {
            var current = WithAccepted(read, known);
            if (current.ReplyVersion != entry.ReplyVersion) return null;
            round = DeliveryRound.Of(owed, current.Channels, outcomes, now, giveUp);
            if (outcomes.Count == 0) return current with { Delivery = round.State, Channels = round.Channels };
            return current with
            {
                Channels = round.Channels,
                Delivery = round.State,
                DeliveredAt = round.State == DeliveryState.Delivered ? now : current.DeliveredAt,
                DeliveryAttempts = current.DeliveryAttempts + 1,
                LastDeliveryStatus = round.Status,
                LastDeliveryError = round.Error,
                History = SubmissionEvent.Append(current.History, new(now, SubmissionEvent.Delivery, Detail: round.Detail)),
            };
        }, cancellationToken);

        // Superseded meanwhile: settle this entry on what was sent; the newer reply has its own entry.
        round ??= DeliveryRound.Of(owed, submission.Channels, outcomes, now, giveUp);
        if (outcomes.Count > 0) metrics.DeliveryAttempted(submission, round.State == DeliveryState.Delivered, round.State == DeliveryState.GaveUp);
        await SettleAsync(entry, submission, round, submission.DeliveryAttempts + 1, cancellationToken);
    }

    // The submission as stored, with a result accepted through an instance that did not hand it out (the result alone,
    // without the entity's ETag) put onto it.
    async Task<Submission?> ReadAsync(OutboxEntry entry, Submission? accepted, CancellationToken cancellationToken) =>
        await store.GetAsync(entry.SubmissionId, cancellationToken) is { } stored ? WithAccepted(stored, accepted) : null;

    // The entity as read, with the accepted result put onto it when the entity does not have it yet.
    static Submission WithAccepted(Submission read, Submission? accepted) =>
        accepted is not null && read.ReplyVersion < accepted.ReplyVersion ? AcceptedOnto(read, accepted) : read;

    /// <summary>The one place an attempt's outcome is acted on and reported.</summary>
    async Task SettleAsync(OutboxEntry entry, Submission submission, DeliveryRound round, int attempts, CancellationToken cancellationToken)
    {
        switch (round.State)
        {
            case DeliveryState.Delivered:
                await outbox.CompleteAsync(entry, cancellationToken);
                log.LogInformation("Result of submission {SubmissionId} delivered ({Channels})", submission.Id, Channels(round));
                break;
            case DeliveryState.GaveUp:
                await outbox.CompleteAsync(entry, cancellationToken);
                log.LogError("Gave up delivering the result of submission {SubmissionId} after {Attempts} attempts ({Error})",
                    submission.Id, attempts, round.Error);
                break;
            default:
                var delay = Backoff(attempts);
                await outbox.RetryLaterAsync(entry, delay, cancellationToken);
                log.LogWarning("Delivery of submission {SubmissionId} failed ({Error}); next attempt in {Delay}", submission.Id, round.Error, delay);
                break;
        }
    }

    // A result put_result accepted into the hold's row meets the entity as it is now (someone changed it since the
    // pull: an operator, or a resubmission that retired it): the result and the pull's facts go onto it.
    static Submission AcceptedOnto(Submission current, Submission accepted) => current with
    {
        Status = current.RetireReason == RetireReason.Operator ? current.Status : accepted.Status,
        RetireReason = current.RetireReason == RetireReason.Operator ? current.RetireReason : accepted.RetireReason,
        Reply = accepted.Reply,
        ReplyVersion = accepted.ReplyVersion,
        PullKey = accepted.PullKey,
        Pulls = Math.Max(current.Pulls, accepted.Pulls),
        GraderUser = accepted.GraderUser,
        GraderAddress = accepted.GraderAddress,
        PulledAt = accepted.PulledAt,
        FirstPulledAt = current.FirstPulledAt ?? accepted.FirstPulledAt,
        LeaseUntil = accepted.LeaseUntil,
        GradedAt = accepted.GradedAt,
        FinishedAt = current.FinishedAt ?? accepted.FinishedAt,
        StatusAt = accepted.StatusAt,
        Delivery = accepted.Delivery,
        Channels = accepted.Channels,
        History = SubmissionEvent.Append(current.History, accepted.History.LastOrDefault() ?? new(accepted.StatusAt, SubmissionEvent.Pulled, accepted.GraderUser, accepted.GraderAddress)),
    };

    static string Channels(DeliveryRound round) =>
        string.Join(", ", round.Channels.Where(c => c.State == DeliveryState.Delivered).Select(c => DeliveryRound.Name(c.Channel)));

    TimeSpan Backoff(int attempts) => RetryBackoff.After(attempts, options.Value.Delivery.RetryBase, options.Value.Delivery.RetryMax);
}
