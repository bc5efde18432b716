using XQueue.Functions.Storage;
using XQueue.Functions.Delivery;
using XQueue.Functions.Handouts;
using XQueue.Functions.Intake;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Dashboard;

public sealed record ActionOutcome(long Id, bool Done, string Message);

/// <summary>
/// What an operator may do to a submission from the dashboard. Each transition is one ETag-conditional
/// write, ordered so that a crash part-way leaves nothing a grader or the LMS could trip over, and each
/// attempt (done or refused) is written to the <see cref="AuditLog"/>.
/// </summary>
public sealed class OperatorActions(
    SubmissionStore store, QueueCatalog catalog, QueueWindow window, Holds holds, Backlog backlog, FailedIndex failed,
    CallbackIndex callbacks, DeliveryOutbox outbox, DeliveryWorker worker, ResultCounts counts, AuditLog audit,
    TimeProvider time, ILogger<OperatorActions> log)
{
    public const string Reset = "reset";
    public const string Retire = "retire";
    public const string Resend = "resend";
    public const string Delete = "delete";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Reset, Retire, Resend, Delete };

    public async Task<ActionOutcome> RunAsync(string action, long id, string actor, CancellationToken cancellationToken = default)
    {
        var submission = await store.GetAsync(id, cancellationToken);
        var outcome = submission is null ? new ActionOutcome(id, false, "no such submission") : action switch
        {
            Reset => await ResetAsync(submission, actor, cancellationToken),
            Retire => await RetireAsync(submission, actor, cancellationToken),
            Resend => await ResendAsync(submission, actor, cancellationToken),
            Delete => await DeleteAsync(submission, cancellationToken),
            _ => new ActionOutcome(id, false, $"unknown action '{action}'"),
        };
        await audit.RecordAsync(actor, action, id, (outcome.Done ? "done: " : "skipped: ") + outcome.Message, cancellationToken);
        log.LogInformation("Operator {Actor} {Action} submission {SubmissionId}: {Done} ({Outcome})", actor, action, id, outcome.Done, outcome.Message);
        return outcome;
    }

    // Only failed → pending (the edx-submissions admin's rule). The submission is marked pending first, then a work
    // message carries it as it now is; if that send fails, it is marked failed again. Its pulls restart with the new
    // message, whose dequeue count is what the poison rule reads.
    async Task<ActionOutcome> ResetAsync(Submission s, string actor, CancellationToken cancellationToken)
    {
        if (s.Status != SubmissionStatus.Failed)
        {
            // A failed-index row can outlive its failure (a fail that lost a race); the operator saw it listed, so drop it.
            await failed.RemoveAsync(s.Id, cancellationToken);
            return new(s.Id, false, $"is {s.Status.ToWire()}: only failed submissions can be reset to pending");
        }
        if (!catalog.Contains(s.Queue)) return new(s.Id, false, $"queue '{s.Queue}' is no longer declared");
        var now = time.GetUtcNow();
        var pending = await ChangeAsync(s, current => current.Status != SubmissionStatus.Failed ? null : current with
        {
            Status = SubmissionStatus.Pending,
            Pulls = 0,
            PullKey = null,
            LeaseUntil = null,
            RetireReason = null,
            FinishedAt = null,
            StatusAt = now,
            History = SubmissionEvent.Append(current.History, new(now, SubmissionEvent.Operator, actor, "reset to pending")),
        }, cancellationToken);
        if (pending is null) return new(s.Id, false, "changed while being reset (no longer failed)");
        try
        {
            await catalog.WorkQueue(s.Queue).EnqueueAsync(WorkMessage.ForSubmission(pending), cancellationToken: cancellationToken);
        }
        catch (Azure.RequestFailedException)
        {
            await store.UpdateAsync(pending, current => current.Status != SubmissionStatus.Pending ? null : current with
            {
                Status = SubmissionStatus.Failed, FinishedAt = now, StatusAt = time.GetUtcNow(),
            }, CancellationToken.None);
            throw;
        }
        window.Sent(s.Queue);
        await failed.RemoveAsync(s.Id, cancellationToken);
        return new(s.Id, true, "reset to pending and queued again");
    }

    // The LMS is not told (as the original's retire --force): the learner keeps whatever it last received.
    async Task<ActionOutcome> RetireAsync(Submission s, string actor, CancellationToken cancellationToken)
    {
        if (s.Status == SubmissionStatus.Retired) return new(s.Id, false, "is retired already");
        var now = time.GetUtcNow();
        Submission? before = null;
        var stored = await ChangeAsync(s, current => (before = current).Status == SubmissionStatus.Retired ? null : current with
        {
            Status = SubmissionStatus.Retired,
            RetireReason = RetireReason.Operator,
            FinishedAt = now,
            StatusAt = now,
            History = SubmissionEvent.Append(current.History, new(now, SubmissionEvent.Operator, actor, "retired")),
        }, cancellationToken);
        if (stored is null || before is null) return new(s.Id, false, "was retired meanwhile");
        s = before;
        await ReleaseAsync(s, cancellationToken);
        counts.Finished(s.Queue, SubmissionStatus.Retired, RetireReason.Operator);
        return new(s.Id, true, $"retired (was {s.Status.ToWire()})");
    }

    // The outbox entry is written first: if the submission is not then marked pending, delivery drops the
    // entry as "already delivered". Never re-grades: the stored reply is sent again as it is.
    async Task<ActionOutcome> ResendAsync(Submission s, string actor, CancellationToken cancellationToken)
    {
        if (s.Reply is null) return new(s.Id, false, $"is {s.Status.ToWire()} without a result to send");
        var entry = await outbox.EnqueueAsync(s.Id, s.ReplyVersion, cancellationToken);
        var now = time.GetUtcNow();
        var stored = await ChangeAsync(s, current => current.ReplyVersion != s.ReplyVersion ? null : current with
        {
            Delivery = DeliveryState.Pending,
            Channels = [], // a re-send goes out on every channel again (events keep their id, so consumers can tell)
            History = SubmissionEvent.Append(current.History, new(now, SubmissionEvent.Operator, actor, "result re-sent")),
        }, cancellationToken);
        if (stored is null)
        {
            await outbox.CancelAsync(entry, cancellationToken);
            return new(s.Id, false, "a newer result was stored meanwhile; it is being delivered");
        }
        worker.StartSoon(entry, stored);
        return new(s.Id, true, "result queued for delivery to the LMS");
    }

    // Read-modify-write until it sticks (a delivery or a pull may write the submission at the same moment);
    // null when the submission is gone or <paramref name="change"/> refuses the copy it is given.
    async Task<Submission?> ChangeAsync(Submission s, Func<Submission, Submission?> change, CancellationToken cancellationToken)
    {
        Submission? changed = null;
        var stored = await store.UpdateAsync(s, current => changed = change(current), cancellationToken);
        return changed is null ? null : stored;
    }

    async Task<ActionOutcome> DeleteAsync(Submission s, CancellationToken cancellationToken)
    {
        await ReleaseAsync(s, cancellationToken);
        await store.DeleteAsync(s, cancellationToken);
        await callbacks.ForgetAsync(s.CallbackUrl, s.Id, cancellationToken);
        return new(s.Id, true, $"deleted (was {s.Status.ToWire()})");
    }

    // Takes an unfinished submission off its queue: its work message (through the receipt a hold has, or the one it was
    // sent with, while no grader has taken it) or its backlog row, its hold, its failed row. A message that cannot be
    // deleted (its receipt is stale) is left: its hold's row marks the end, and a pull on any instance drops the message.
    async Task ReleaseAsync(Submission s, CancellationToken cancellationToken)
    {
        if (s.Status == SubmissionStatus.Failed) await failed.RemoveAsync(s.Id, cancellationToken);
        if (s.Status.IsFinished() || !catalog.Contains(s.Queue)) return;
        var work = catalog.WorkQueue(s.Queue);
        var gone = false;
        try
        {
            if (await holds.FindLiveAsync(work.Name, s.Id, cancellationToken) is { } hold)
            {
                gone = await work.TryDeleteAsync(hold.MessageId, hold.Receipt, cancellationToken);
                if (gone) await holds.EndAsync(work.Name, s.Id, cancellationToken);
            }
            else if (await callbacks.FindAsync(s.CallbackUrl, s.Id, cancellationToken) is { MessageId: { } messageId, PopReceipt: { } popReceipt })
            {
                gone = await work.TryDeleteAsync(messageId, popReceipt, cancellationToken);
            }
            else if (await backlog.RemoveAsync(work.Name, s.Id, cancellationToken))
            {
                window.LeftBacklog(s.Queue);
                gone = true;
            }
        }
        catch (Azure.RequestFailedException e)
        {
            log.LogInformation("Work message of submission {SubmissionId} left for the pull path to drop ({Status})", s.Id, e.Status);
        }
        if (!gone) await holds.RetiredAsync(work.Name, s.Id, cancellationToken);
    }
}
