using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

public sealed record NewSubmission(
    string Queue, string Header, string CallbackUrl, string Body, IReadOnlyList<SubmittedFile> Files, string? Submitter);

public sealed record SubmittedFile(string Name, BinaryData Content, string? ContentType);

/// <summary>
/// Stores a submission so that it is durable before the LMS hears "queued": files, then the work
/// message, then the entity naming that message. A crash between those writes leaves only pieces the
/// pull path recognises and drops (a message without an entity), never an acknowledged loss.
/// </summary>
public sealed class SubmissionIntake(
    SubmissionStore store, QueueCatalog catalog, CallbackIndex callbacks, InflightIndex inflight,
    QueueLength queueLength, TimeProvider time, ILogger<SubmissionIntake> log)
{
    /// <returns>The new id and the queue length after it (the LMS shows it as the learner's position).</returns>
    public async Task<(long Id, int QueueLength)> AcceptAsync(NewSubmission request, CancellationToken cancellationToken = default)
    {
        var earlier = callbacks.LatestAsync(request.CallbackUrl, cancellationToken); // read while the submission is written
        var submission = await StoreAsync(request, cancellationToken);
        await RetireEarlierAsync(submission, await earlier, cancellationToken);
        log.LogInformation("Submission {SubmissionId} queued on {Queue} with {FileCount} files", submission.Id, submission.Queue, submission.Files.Count);
        return (submission.Id, await queueLength.WaitingAsync(request.Queue, cancellationToken));
    }

    async Task<Submission> StoreAsync(NewSubmission request, CancellationToken cancellationToken)
    {
        var work = catalog.WorkQueue(request.Queue);
        while (true)
        {
            var now = time.GetUtcNow();
            var id = SubmissionId.New(now);
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < request.Files.Count; i++)
            {
                var file = request.Files[i];
                var blobName = SubmissionStore.FileBlobName(id, i);
                await store.UploadFileAsync(blobName, file.Content, file.ContentType, cancellationToken);
                files[file.Name] = blobName;
            }
            var body = await store.StoreTextAsync(id, "body", request.Body, cancellationToken);
            var message = await work.SendAsync(id.ToString(), timeToLive: Timeout.InfiniteTimeSpan, cancellationToken: cancellationToken);
            var submission = new Submission
            {
                Id = id,
                Queue = request.Queue,
                Header = request.Header,
                CallbackUrl = request.CallbackUrl,
                Body = body,
                Files = files,
                Submitter = request.Submitter,
                MessageId = message.MessageId,
                PopReceipt = message.PopReceipt,
                ReceivedAt = now,
                StatusAt = now,
            };
            if (await store.TryInsertAsync(submission, cancellationToken)) return submission;

            // Same millisecond and same random bits as another submission: undo and draw again.
            await work.DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
    }

    // Legacy anti-flood rule: a new submission for the same callback URL (same learner, same problem)
    // retires the earlier unfinished one, so graders never spend time on an answer the LMS no longer awaits.
    async Task RetireEarlierAsync(Submission submission, long? earlierId, CancellationToken cancellationToken)
    {
        await callbacks.SetLatestAsync(submission.CallbackUrl, submission.Id, cancellationToken);
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

        if (catalog.Contains(before.Queue) && before is { MessageId: { } messageId, PopReceipt: { } popReceipt })
        {
            var work = catalog.WorkQueue(before.Queue);
            await work.DeleteAsync(messageId, popReceipt, cancellationToken);
            await inflight.ClearAsync(work.Name, before.Id, cancellationToken);
        }
        log.LogInformation("Submission {SubmissionId} superseded by {NewSubmissionId}", before.Id, submission.Id);
    }
}
