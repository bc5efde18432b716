using XQueue.Functions.Submissions;

namespace XQueue.Bench.Rig;

/// <summary>
/// Puts submissions into a queue straight through the service's own store, as submit stores them (the
/// work message, then the entity naming it), without the HTTP round trip and the bookkeeping around it.
/// For phases that need depth but do not measure submit; get_submission cannot tell them apart.
/// </summary>
public static class DirectPrefill
{
    public static async Task StoreAsync(BenchRig rig, string queue, int count, int concurrency = 8)
    {
        var store = rig.Service.Get<SubmissionStore>();
        var work = rig.Service.Get<QueueCatalog>().WorkQueue(queue);
        var remaining = count;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var submission = rig.NewSubmission(queue);
                while (true)
                {
                    var now = DateTimeOffset.UtcNow;
                    var id = SubmissionId.New(now);
                    var message = await work.SendAsync(id.ToString(), timeToLive: Timeout.InfiniteTimeSpan);
                    var stored = await store.TryInsertAsync(new Submission
                    {
                        Id = id,
                        Queue = queue,
                        Header = submission.Header,
                        CallbackUrl = rig.Lms.CallbackUrl(submission.Sequence, "bench"),
                        Body = new StoredText(submission.Body, null),
                        Submitter = "lms",
                        MessageId = message.MessageId,
                        PopReceipt = message.PopReceipt,
                        ReceivedAt = now,
                        StatusAt = now,
                    });
                    if (stored) break;
                    await work.DeleteAsync(message.MessageId, message.PopReceipt);
                }
            }
        }));
    }
}
