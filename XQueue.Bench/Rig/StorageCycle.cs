using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using XQueue.Functions.Delivery;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.Intake;
using XQueue.Functions.WorkQueues;

namespace XQueue.Bench.Rig;

/// <summary>Which storage calls a graded cycle makes in <see cref="StorageCycle"/>.</summary>
public enum CycleCalls
{
    /// <summary>
    /// This service's: the hold's row inserted at the pull, the result merged into it by put_result (If-Match: the
    /// row's ETag from the pull), the message deleted as it was received and the row removed after delivery. The fewest
    /// queue calls the rules allow (Azurite's queue calls cost two to three times its table calls).
    /// </summary>
    ThisService,

    /// <summary>The service before the result moved into the hold's row: put_result updated the message into the result.</summary>
    ResultInMessage,

    /// <summary>The former design's (287d685): one receive of up to 32 serves the next pulls from memory; no hold's row.</summary>
    TakingAhead,
}

/// <summary>
/// The storage calls of one graded cycle, straight at storage with the service's own clients, in the order the
/// service makes them (GraderPulls and Handout, ResultIntake, ResultDelivery) — without HTTP, sessions, the key's
/// sealing, the domain model's serialization or the LMS POST. The floor the service's own cycle is compared to;
/// with other <see cref="CycleCalls"/>, the floors of other designs on the same storage.
/// </summary>
public sealed class StorageCycle(BenchRig rig, string queue, CycleCalls shape = CycleCalls.ThisService)
{
    /// <summary>This service's calls, named as the service's storage counter names them.</summary>
    public static readonly string[] Calls =
    [
        "get_submission: queue.receive work message (the submission travels in it; visibility = processing delay)",
        "get_submission: table.insert the hold's row (what get_queuelen and the dashboard read on any instance)",
        "put_result: table.merge the result into the hold's row (If-Match: the row's ETag the key seals)",
        "delivery: table.replace submission (If-Match: the ETag it was handed out with; result, delivered)",
        "delivery: queue.delete the work message (with the pull's receipt)",
        "delivery: table.delete the hold's row",
    ];

    /// <summary>Storage requests per cycle, by shape.</summary>
    public static double RequestsPerCycle(CycleCalls shape) => shape == CycleCalls.TakingAhead ? 3 + 1.0 / 32 : 6;

    readonly ConcurrentQueue<QueueMessage> takenAhead = new();
    readonly TableClient holds = rig.Service.Get<StorageAccount>().GetTable(rig.Service.Get<StorageNames>().HoldsTable);
    readonly QueueClient work = rig.Service.Get<QueueCatalog>().WorkQueue(queue);
    readonly TableClient submissions = rig.Service.Get<StorageAccount>().GetTable(rig.Service.Get<StorageNames>().SubmissionsTable);
    readonly TimeSpan attemptLease = rig.Service.Get<DeliveryOutbox>().AttemptLease;
    readonly TimeSpan processingDelay = rig.Service.Get<QueueCatalog>().ProcessingDelay(queue);

    public sealed record Held(QueueMessage Message, Submission Submission, ETag? HoldETag);

    public sealed record Answered(Submission Result, string MessageId, string PopReceipt);

    /// <summary>
    /// Queues <paramref name="count"/> submissions as submit writes them below the window (the entity, then the work
    /// message carrying it), with 8 writers. Not through the service: its window would keep all but 200 of a deeper
    /// fill in the backlog, out of reach of these bare pulls.
    /// </summary>
    public async Task FillAsync(int count)
    {
        var store = rig.Service.Get<SubmissionStore>();
        var remaining = count;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var sample = rig.NewSubmission(queue);
                var now = DateTimeOffset.UtcNow;
                var submission = new Submission
                {
                    Id = SubmissionId.New(now),
                    Queue = queue,
                    Header = sample.Header,
                    CallbackUrl = rig.Lms.CallbackUrl(sample.Sequence, "bench"),
                    Body = new StoredText(sample.Body, null),
                    Submitter = "lms",
                    ReceivedAt = now,
                    StatusAt = now,
                };
                // Same millisecond and same random bits as another writer's: draw again, as submit does.
                if (await store.TryInsertAsync(submission) is not { } etag)
                {
                    Interlocked.Increment(ref remaining);
                    continue;
                }
                await work.EnqueueAsync(WorkMessage.ForSubmission(submission with { ETag = etag }));
            }
        }));
    }

    /// <summary>get_submission's calls; null when the queue is empty.</summary>
    public async Task<Held?> PullAsync()
    {
        if (await NextMessageAsync() is not { } message) return null;
        var submission = WorkMessage.Read(message.Body.ToString())?.Snapshot ?? throw new BenchFailure("a work message without its submission");
        if (shape == CycleCalls.TakingAhead) return new Held(message, submission, null);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var row = new TableEntity(work.Name, RowKey(submission.Id))
        {
            ["MessageId"] = message.MessageId, ["KeyReceipt"] = message.PopReceipt, ["Receipt"] = message.PopReceipt,
            ["From"] = now, ["Until"] = now + (long)processingDelay.TotalMilliseconds, ["Pulls"] = 1,
        };
        return new Held(message, submission, (await holds.AddEntityAsync(row)).Headers.ETag);
    }

    async Task<QueueMessage?> NextMessageAsync()
    {
        if (shape != CycleCalls.TakingAhead) return (await work.LeaseAsync(1, processingDelay)) is [var one] ? one : null;
        if (takenAhead.TryDequeue(out var ahead)) return ahead;
        var messages = await work.LeaseAsync(32, processingDelay);
        foreach (var next in messages.Skip(1)) takenAhead.Enqueue(next);
        return messages.FirstOrDefault();
    }

    /// <summary>put_result's call.</summary>
    public async Task<Answered> AnswerAsync(Held held)
    {
        var now = DateTimeOffset.UtcNow;
        var result = held.Submission with
        {
            Status = SubmissionStatus.Retired,
            RetireReason = RetireReason.Graded,
            Reply = new StoredText(GraderSimulator.Reply, null),
            ReplyVersion = now.ToUnixTimeMilliseconds(),
            Pulls = 1,
            PulledAt = now,
            GradedAt = now,
            FinishedAt = now,
            StatusAt = now,
            Delivery = DeliveryState.Pending,
        };
        if (shape == CycleCalls.ThisService)
        {
            var until = (now + attemptLease).ToUnixTimeMilliseconds();
            var accepted = new TableEntity(work.Name, RowKey(result.Id)) { ["Result"] = System.Text.Encoding.UTF8.GetBytes(WorkMessage.ResultText(result)), ["ResultAt"] = now.ToUnixTimeMilliseconds(), ["Until"] = until };
            await holds.UpdateEntityAsync(accepted, held.HoldETag!.Value, TableUpdateMode.Merge);
            return new Answered(result, held.Message.MessageId, held.Message.PopReceipt);
        }
        var moved = await work.UpdateMessageAsync(held.Message.MessageId, held.Message.PopReceipt, WorkMessage.ResultText(result), attemptLease);
        return new Answered(result, held.Message.MessageId, moved.Value.PopReceipt);
    }

    /// <summary>The delivery's calls (the LMS POST left out).</summary>
    public async Task DeliverAsync(Answered answered)
    {
        var delivered = answered.Result with { Delivery = DeliveryState.Delivered, DeliveredAt = DateTimeOffset.UtcNow, DeliveryAttempts = 1 };
        await submissions.UpdateEntityAsync(SubmissionEntity.ToEntity(delivered), new ETag(answered.Result.ETag!), TableUpdateMode.Replace);
        await work.DeleteMessageAsync(answered.MessageId, answered.PopReceipt);
        if (shape != CycleCalls.TakingAhead) await holds.DeleteEntityAsync(work.Name, RowKey(answered.Result.Id));
    }

    static string RowKey(long id) => id.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
}
