using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using XQueue.Functions.Metrics;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Intake;

public sealed record NewSubmission(
    string Queue, string Header, string CallbackUrl, string Body, IReadOnlyList<SubmittedFile> Files, string? Submitter);

public sealed record SubmittedFile(string Name, BinaryData Content, string? ContentType);

/// <summary>
/// Stores a submission so that it is durable before the LMS hears "queued": files, then the entity (the record, and
/// the id's uniqueness check), then the work message carrying the submission whole (<see cref="WorkMessage"/>).
/// Beyond the queue's window (<see cref="QueueWindow"/>) a backlog row holds that message until a refill sends it.
/// Last, the callback index is claimed, which retires an earlier unfinished submission for the same callback URL.
/// A message never names a submission that was not stored; a submit refused between the writes removes its entity.
/// </summary>
public sealed class SubmissionIntake(
    SubmissionStore store, QueueCatalog catalog, CallbackIndex callbacks, Holds holds, Backlog backlog,
    QueueWindow window, BacklogRefill refill, QueueLength queueLength, ResultCounts counts, XQueueMetrics metrics, TimeProvider time, ILogger<SubmissionIntake> log)
{
    /// <returns>The new id and the queue length after it (the LMS shows it as the learner's position).</returns>
    public async Task<(long Id, int QueueLength)> AcceptAsync(NewSubmission request, CancellationToken cancellationToken = default)
    {
        var (submission, message) = await StoreAsync(request, cancellationToken);
        metrics.Received(submission);
        var earlier = await callbacks.ClaimAsync(submission.CallbackUrl, new(submission.Id, message?.MessageId, message?.PopReceipt), cancellationToken);
        await RetireEarlierAsync(submission, earlier, cancellationToken);
        log.LogInformation("Submission {SubmissionId} queued on {Queue} with {FileCount} files (in the backlog: {Backlogged})",
            submission.Id, submission.Queue, submission.Files.Count, message is null);
        var length = await queueLength.PositionAsync(request.Queue, cancellationToken);
        // The count just read may show a drained window; graders may pull on other instances, which do not
        // know of this instance's spills.
        refill.RefillIfLow(request.Queue);
        return (submission.Id, length);
    }

    // The entity first (the durable record; its insert is also the id's uniqueness check), then the work message
    // carrying the submission whole (or the backlog row, beyond the window): a message never names a submission that
    // was not stored. The message carries the entity's ETag, so the result is written without reading it first.
    async Task<(Submission Stored, SendReceipt? Message)> StoreAsync(NewSubmission request, CancellationToken cancellationToken)
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
            var submission = new Submission
            {
                Id = id,
                Queue = request.Queue,
                Header = request.Header,
                CallbackUrl = request.CallbackUrl,
                Body = await store.StoreTextAsync(id, $"body-{attempt}", request.Body, cancellationToken),
                Files = files,
                Submitter = request.Submitter,
                ReceivedAt = now,
                StatusAt = now,
            };
            // Same millisecond and same random bits as another submission: draw again.
            if (await store.TryInsertAsync(submission, cancellationToken) is not { } etag) continue;
            submission = submission with { ETag = etag };

            try
            {
                return (submission, await SendAsync(work, submission, cancellationToken));
            }
            catch (RequestFailedException)
            {
                // The LMS hears of a failure, so the entity must not linger as a queued submission nobody will grade.
                // (Should the message have landed after all, it carries the submission: it is graded and delivered,
                // and the LMS ignores a result for a submit it saw fail.)
                await ForgetAsync(submission);
                throw;
            }
        }
    }

    async Task<SendReceipt?> SendAsync(QueueClient work, Submission submission, CancellationToken cancellationToken)
    {
        // What this instance knows of the window may be old (other instances pull and refill): read it afresh first.
        if (!window.IsCurrent(submission.Queue)) await queueLength.RefreshWindowAsync(submission.Queue, cancellationToken);
        if (window.ShouldSpill(submission.Queue))
        {
            window.Spilling(submission.Queue);
            await backlog.AddAsync(work.Name, submission.Id, cancellationToken);
            return null;
        }
        var message = await work.EnqueueAsync(WorkMessage.ForSubmission(submission), cancellationToken: cancellationToken);
        window.Sent(submission.Queue);
        return message;
    }

    async Task ForgetAsync(Submission submission)
    {
        try
        {
            await store.DeleteAsync(submission, CancellationToken.None);
        }
        catch (RequestFailedException e)
        {
            log.LogWarning(e, "Submission {SubmissionId} was refused but its entity could not be removed; it stays queued until an operator retires it", submission.Id);
        }
    }

    // Legacy anti-flood rule: a new submission for the same callback URL (same learner, same problem)
    // retires the earlier unfinished one, so graders never spend time on an answer the LMS no longer awaits.
    async Task RetireEarlierAsync(Submission submission, LatestSubmission? earlier, CancellationToken cancellationToken)
    {
        if (earlier is null || earlier.Id == submission.Id) return;

        var now = time.GetUtcNow();
        Submission? before = null;
        var retired = await store.UpdateAsync(earlier.Id, current =>
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
            // Its message, if no grader has taken it since (else the receipt is stale and the message stays: its hold's
            // row marks the end, so a pull on any instance drops it when it comes back, and a grader holding it may
            // still answer, as in the original).
            var gone = earlier is { MessageId: { } messageId, PopReceipt: { } popReceipt }
                ? await work.TryDeleteAsync(messageId, popReceipt, cancellationToken)
                : await RemoveFromBacklogAsync(work, before.Queue, before.Id, cancellationToken);
            if (gone) queueLength.Left(before.Queue);
            else await holds.RetiredAsync(work.Name, before.Id, cancellationToken);
        }
        log.LogInformation("Submission {SubmissionId} superseded by {NewSubmissionId}", before.Id, submission.Id);
    }

    async Task<bool> RemoveFromBacklogAsync(QueueClient work, string queueName, long id, CancellationToken cancellationToken)
    {
        if (!await backlog.RemoveAsync(work.Name, id, cancellationToken)) return false;
        window.LeftBacklog(queueName);
        return true;
    }
}
