using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Keeps the data of a score event too large for a channel (a Storage Queue message holds 64 KiB, an Event Grid
/// event 1 MB) in a blob beside the submission's other blobs, and gives a read-only link to it for the event's
/// <c>dataref</c>. The blob goes when the submission does (retention); the link lasts as long as a link may.
/// </summary>
public sealed class EventClaimCheck(SubmissionStore store, IOptions<XQueueOptions> options, TimeProvider time)
{
    // A user delegation key (Entra ID) lives at most 7 days; the same margin as XQueue:FileUrlLifetime's limit.
    static readonly TimeSpan LongestLink = TimeSpan.FromDays(6);

    public async Task<Uri> StoreAsync(Submission submission, ScoreEvent scoreEvent, CancellationToken cancellationToken)
    {
        var blobName = SubmissionStore.EventDataBlobName(submission.Id, submission.ReplyVersion);
        await store.UploadFileAsync(blobName, new BinaryData(scoreEvent.Data), ScoreEvent.JsonContentType, cancellationToken);
        var lifetime = options.Value.Retention < LongestLink ? options.Value.Retention : LongestLink;
        return await store.FileUrlAsync(blobName, time.GetUtcNow() + lifetime, cancellationToken);
    }
}
