using XQueue.Functions.Storage;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Delivery;
using XQueue.Functions.Submissions;
using XQueue.Functions.Handouts;
using XQueue.Functions.Replies;

namespace XQueue.Functions.Push;

/// <summary>
/// One push: a submission is taken from a push queue by the same pull a grader makes (lease = processing delay,
/// fresh key, attempts counted, stale messages dropped, poison failed), POSTed to the queue's grader, and a 200
/// reply is accepted like a put_result with the pull's key, so it is delivered like any other result.
/// A failed attempt hides the work message for the backoff: the retry waits in storage, costs nothing meanwhile,
/// and survives a restart. Attempts are the submission's pulls: the MaxFailures-th fails it at once.
/// Slots bound the pushes in flight per queue in this instance, loops and timer passes together.
/// </summary>
public sealed class PushDispatcher(
    GraderPulls pulls, Handout handout, ResultIntake intake, SubmissionStore store, QueueCatalog catalog, Holds holds,
    GraderPush grader, IOptions<XQueueOptions> options, TimeProvider time, ILogger<PushDispatcher> log)
{
    /// <summary>The history kind of a failed attempt (the dashboard's timeline shows its detail).</summary>
    public const string EventKind = "push";

    /// <summary>Recorded as the "grader" of each pull, beside the grader's host and port.</summary>
    public const string Puller = "push dispatch";

    // Per push queue: its grader, and the slots that bound its pushes in flight.
    readonly Dictionary<string, (Uri Url, SemaphoreSlim Slots)> targets = options.Value.Queues
        .Where(queue => queue.Value.IsPush)
        .ToDictionary(queue => queue.Key, queue => (new Uri(queue.Value.PushUrl!), new SemaphoreSlim(options.Value.Push.Concurrency)), StringComparer.Ordinal);

    PushOptions Push => options.Value.Push;
    int MaxAttempts => options.Value.MaxFailures;

    public IReadOnlyCollection<string> Queues => targets.Keys;

    /// <summary>Pushes the next submission of <paramref name="queue"/>, once one of its slots is free within <paramref name="slotWait"/>.</summary>
    public async Task<PushOutcome> PushNextAsync(string queue, TimeSpan slotWait, CancellationToken cancellationToken = default)
    {
        var (url, slots) = targets[queue];
        if (!await slots.WaitAsync(slotWait, cancellationToken)) return PushOutcome.NoSlot;
        try
        {
            return await PushAsync(queue, url, cancellationToken);
        }
        finally
        {
            slots.Release();
        }
    }

    async Task<PushOutcome> PushAsync(string queue, Uri url, CancellationToken cancellationToken)
    {
        PulledSubmission? pulled;
        try
        {
            pulled = await pulls.PullAsync(queue, Puller, url.Authority, cancellationToken);
        }
        catch (SubmissionUnreadableException)
        {
            return PushOutcome.Retrying; // logged by the pull; it comes back after the lease, and the poison rule ends it
        }
        if (pulled is null) return PushOutcome.Empty;

        var held = pulled.Handed;
        if (held.Pulls > MaxAttempts)
        {
            // Attempts used up without a POST of ours: an instance that died mid-push, or pull graders on this queue.
            await handout.FailNowAsync(held, cancellationToken: cancellationToken);
            return PushOutcome.Failed;
        }

        var response = await grader.PostAsync(url, pulled, cancellationToken);
        return response.Graded
            ? await AcceptAsync(pulled, response.Reply!, cancellationToken)
            : await AttemptFailedAsync(held, response.Error!, cancellationToken);
    }

    async Task<PushOutcome> AcceptAsync(PulledSubmission pulled, string reply, CancellationToken cancellationToken)
    {
        var outcome = await intake.AcceptAsync(pulled.Id, pulled.Key, reply, _ => true, cancellationToken);
        if (outcome == ResultOutcome.Accepted) return PushOutcome.Graded;
        log.LogWarning("The push grader's reply for submission {SubmissionId} was not kept ({Outcome}): the submission changed meanwhile",
            pulled.Id, outcome);
        return PushOutcome.Superseded;
    }

    async Task<PushOutcome> AttemptFailedAsync(Submission held, string error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var attempt = held.Pulls;
        var detail = $"push attempt {attempt} of {MaxAttempts} failed: {error}";
        if (attempt >= MaxAttempts)
        {
            // The event rides on the failing write, so it costs no storage call of its own.
            await handout.FailNowAsync(held, new(now, EventKind, Puller, detail), cancellationToken);
            log.LogWarning("Push of submission {SubmissionId} on {Queue} failed ({Error}): attempt {Attempt} of {MaxAttempts}, the LMS gets the failure notice",
                held.Id, held.Queue, error, attempt, MaxAttempts);
            return PushOutcome.Failed;
        }

        var delay = Backoff(attempt);
        var work = catalog.WorkQueue(held.Queue);
        try
        {
            await work.HideAsync(held.MessageId!, held.PopReceipt!, delay, cancellationToken);
        }
        catch (Azure.RequestFailedException e) when (e.Status is 400 or 404)
        {
            return PushOutcome.Superseded; // the message was deleted (retired by an operator) or is someone else's now
        }
        // Waiting for its next attempt, the submission is queued again, not in flight; the attempt goes into its history.
        await holds.ReleaseAsync(work.Name, held.Id, cancellationToken);
        await store.UpdateAsync(held.Id, current => current with
        {
            History = SubmissionEvent.Append(current.History, new(now, EventKind, Puller, $"{detail}; next attempt in {delay.TotalSeconds:F0} s")),
        }, cancellationToken);
        log.LogWarning("Push of submission {SubmissionId} on {Queue} failed ({Error}): attempt {Attempt} of {MaxAttempts}, next in {Delay}",
            held.Id, held.Queue, error, attempt, MaxAttempts, delay);
        return PushOutcome.Retrying;
    }

    TimeSpan Backoff(int failedAttempts) => RetryBackoff.After(failedAttempts, Push.RetryBase, Push.RetryMax);
}
