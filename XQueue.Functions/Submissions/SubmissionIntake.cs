using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using XQueue.Functions.Metrics;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

public sealed record NewSubmission(
    string Queue, string Header, string CallbackUrl, string Body, IReadOnlyList<SubmittedFile> Files, string? Submitter);

public sealed record SubmittedFile(string Name, BinaryData Content, string? ContentType);

/// <summary>
/// Stores a submission so that it is durable before the LMS hears "queued": files, then the work
/// message, then the entity naming that message. Beyond the queue's window (<see cref="QueueWindow"/>)
/// the backlog row takes the message's place and the entity names no message yet. A crash between those
/// writes leaves only pieces the pull path recognises and drops (a message or row without an entity),
/// never an acknowledged loss.
/// </summary>
public sealed class SubmissionIntake(
    SubmissionStore store, QueueCatalog catalog, CallbackIndex callbacks, InflightIndex inflight, Backlog backlog,
    QueueWindow window, BacklogRefill refill, QueueLength queueLength, ResultCounts counts, XQueueMetrics metrics, TimeProvider time, ILogger<SubmissionIntake> log)
{
    /// <returns>The new id and the queue length after it (the LMS shows it as the learner's position).</returns>
    public async Task<(long Id, int QueueLength)> AcceptAsync(NewSubmission request, CancellationToken cancellationToken = default)
    {
        var submission = await StoreAsync(request, cancellationToken);
        metrics.Received(submission);
        await RetireEarlierAsync(submission, await callbacks.ClaimAsync(submission.CallbackUrl, submission.Id, cancellationToken), cancellationToken);
        log.LogInformation("Submission {SubmissionId} queued on {Queue} with {FileCount} files (in the backlog: {Backlogged})",
            submission.Id, submission.Queue, submission.Files.Count, submission.MessageId is null);
        var length = await queueLength.WaitingAsync(request.Queue, cancellationToken);
        // The count just read may show a drained window; graders may pull on other instances, which do not
        // know of this instance's spills.
        refill.RefillIfLow(request.Queue);
        return (submission.Id, length);
    }

    async Task<Submission> StoreAsync(NewSubmission request, CancellationToken cancellationToken)
    {
        var work = catalog.WorkQueue(request.Queue);
        while (true)
        {
            var now = time.GetUtcNow();
            var id = SubmissionId.New(now);
            // Blob names carry this attempt's own tag: two submits that draw the same id (same millisecond, same
            // random bits) find out only at the entity insert, and must not overwrite each other's files first.
            var attempt = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < request.Files.Count; i++)
            {
                var file = request.Files[i];
                var blobName = SubmissionStore.FileBlobName(id, attempt, i);
                await store.UploadFileAsync(blobName, file.Content, file.ContentType, cancellationToken);
                files[file.Name] = blobName;
            }
            var body = await store.StoreTextAsync(id, $"body-{attempt}", request.Body, cancellationToken);
            var spill = window.ShouldSpill(request.Queue);
            SendReceipt? message = null;
            if (spill)
            {
                window.Spilling(request.Queue);
                // Taken by a row still waiting: same millisecond and same random bits; draw again.
                if (!await backlog.TryAddAsync(work.Name, id, cancellationToken)) continue;
            }
            else
            {
                message = await work.EnqueueAsync(id.ToString(), cancellationToken: cancellationToken);
            }
            var submission = new Submission
            {
                Id = id,
                Queue = request.Queue,
                Header = request.Header,
                CallbackUrl = request.CallbackUrl,
                Body = body,
                Files = files,
                Submitter = request.Submitter,
                MessageId = message?.MessageId,
                PopReceipt = message?.PopReceipt,
                ReceivedAt = now,
                StatusAt = now,
            };
            if (await store.TryInsertAsync(submission, cancellationToken))
            {
                if (message is not null) window.Sent(request.Queue);
                return submission;
            }

            // Same millisecond and same random bits as another submission: undo and draw again.
            if (message is not null) await work.TryDeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
            else await RemoveFromBacklogAsync(work, request.Queue, id, cancellationToken);
        }
    }

    // Legacy anti-flood rule: a new submission for the same callback URL (same learner, same problem)
    // retires the earlier unfinished one, so graders never spend time on an answer the LMS no longer awaits.
    async Task RetireEarlierAsync(Submission submission, long? earlierId, CancellationToken cancellationToken)
    {
        if (earlierId is not { } id || id == submission.Id) return;

        var now = time.GetUtcNow();
        Submission? before = null;
        var retired = await store.UpdateAsync(id, current =>
        {
            before = current;
            return current.Status.IsFinished() ? null : current with
            {
                Status = SubmissionStatus.Retired,
                RetireReason = RetireReason.Superseded,
                FinishedAt = now,
                StatusAt = now,
            };
        }, cancellationToken);
        if (retired is null || before is null || before.Status.IsFinished()) return;
        counts.Finished(before.Queue, SubmissionStatus.Retired, RetireReason.Superseded);

        if (catalog.Contains(before.Queue))
        {
            var work = catalog.WorkQueue(before.Queue);
            if (before is { MessageId: { } messageId, PopReceipt: { } popReceipt })
            {
                await work.TryDeleteAsync(messageId, popReceipt, cancellationToken);
                await inflight.ClearAsync(work.Name, before.Id, cancellationToken);
            }
            else
            {
                // Still in the backlog (no message bound yet). If a refill moved it meanwhile, the pull drops
                // that message, because the submission is retired.
                await RemoveFromBacklogAsync(work, before.Queue, before.Id, cancellationToken);
            }
        }
        log.LogInformation("Submission {SubmissionId} superseded by {NewSubmissionId}", before.Id, submission.Id);
    }

    async Task RemoveFromBacklogAsync(QueueClient work, string queueName, long id, CancellationToken cancellationToken)
    {
        if (await backlog.RemoveAsync(work.Name, id, cancellationToken)) window.LeftBacklog(queueName);
    }
}
