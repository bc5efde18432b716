using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using XQueue.Functions.Delivery;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Bench.Rig;

/// <summary>
/// The storage calls of one graded cycle, straight at storage with the service's own clients, in the order the
/// service makes them (GraderPulls, ResultIntake with ResultRecorder, ResultDelivery) — without HTTP, sessions,
/// the domain model's serialization or the LMS POST, and with the same calls made concurrently where the
/// service makes them concurrently. The floor the service's own cycle is compared to.
/// </summary>
public sealed class StorageCycle(BenchRig rig, string queue)
{
    /// <summary>The calls, named as the service's storage counter names them.</summary>
    public static readonly string[] Calls =
    [
        "get_submission: queue.receive work message (visibility = processing delay)",
        "get_submission: table.get submission",
        "get_submission: table.replace submission (If-Match: pulled, key, pop receipt)",
        "put_result: table.get submission",
        "put_result: queue.send outbox message",
        "put_result: table.replace submission (If-Match: retired, reply)",
        "put_result: queue.delete work message",
        "delivery: table.replace submission (If-Match: delivered; the entity put_result stored is handed over)",
        "delivery: queue.delete outbox message",
    ];

    /// <summary>Storage requests per cycle (a line above may name two).</summary>
    public const int RequestsPerCycle = 9;

    readonly QueueClient work = rig.Service.Get<QueueCatalog>().WorkQueue(queue);
    readonly TableClient submissions = rig.Service.Get<StorageAccount>().GetTable(rig.Service.Get<StorageNames>().SubmissionsTable);
    readonly QueueClient outbox = rig.Service.Get<StorageAccount>().GetQueue(rig.Service.Get<StorageNames>().DeliveryQueue);
    readonly TimeSpan attemptLease = rig.Service.Get<DeliveryOutbox>().AttemptLease;
    readonly TimeSpan processingDelay = rig.Service.Get<QueueCatalog>().ProcessingDelay(queue);

    public sealed record Held(QueueMessage Message, long Id, string PartitionKey);

    public sealed record Answered(TableEntity Entity, SendReceipt Outbox);

    /// <summary>
    /// Queues <paramref name="count"/> submissions as submit writes them below the window (the work message, then
    /// the entity naming it), with 8 writers. Not through the service: its window would keep all but 200 of a
    /// deeper fill in the backlog, out of reach of these bare pulls.
    /// </summary>
    public async Task FillAsync(int count)
    {
        var store = rig.Service.Get<SubmissionStore>();
        var remaining = count;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var submission = rig.NewSubmission(queue);
                var now = DateTimeOffset.UtcNow;
                var id = SubmissionId.New(now);
                var message = await work.EnqueueAsync(id.ToString());
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
                // A retried insert whose first try landed answers "exists": that entity is this one.
                if (!stored && (await store.GetAsync(id))?.MessageId != message.MessageId) throw new BenchFailure($"submission id {id} drawn twice");
            }
        }));
    }

    /// <summary>get_submission's calls; null when the queue is empty.</summary>
    public async Task<Held?> PullAsync()
    {
        var messages = await work.LeaseAsync(1, processingDelay);
        if (messages.Length == 0) return null;
        var message = messages[0];
        var id = long.Parse(message.Body.ToString());
        var partition = SubmissionId.PartitionKey(id);
        var entity = (await submissions.FindAsync(partition, SubmissionEntity.RowKey))!;
        var now = DateTimeOffset.UtcNow;
        entity["Status"] = "pulled";
        entity["PullKey"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        entity["PopReceipt"] = message.PopReceipt;
        entity["Pulls"] = 1;
        entity["GraderUser"] = "grader";
        entity["GraderAddress"] = "127.0.0.1";
        entity["PulledAt"] = entity["FirstPulledAt"] = entity["StatusAt"] = now;
        entity["LeaseUntil"] = message.NextVisibleOn;
        await submissions.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);
        return new Held(message, id, partition);
    }

    /// <summary>put_result's calls.</summary>
    public async Task<Answered> AnswerAsync(Held held)
    {
        var entity = (await submissions.FindAsync(held.PartitionKey, SubmissionEntity.RowKey))!;
        var now = DateTimeOffset.UtcNow;
        var version = now.ToUnixTimeMilliseconds();
        var sent = await outbox.EnqueueAsync($"{held.Id}:{version}", attemptLease);
        entity["Status"] = "retired";
        entity["RetireReason"] = "graded";
        entity["Reply"] = GraderSimulator.Reply;
        entity["ReplyVersion"] = version;
        entity["Delivery"] = "pending";
        entity["GradedAt"] = entity["FinishedAt"] = entity["StatusAt"] = now;
        entity.ETag = (await submissions.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace)).Headers.ETag ?? ETag.All;
        await work.DeleteMessageAsync(held.Message.MessageId, held.Message.PopReceipt);
        return new Answered(entity, sent);
    }

    /// <summary>The delivery's calls (the POST to the LMS left out).</summary>
    public async Task DeliverAsync(Answered answered)
    {
        var entity = answered.Entity;
        entity["Delivery"] = "delivered";
        entity["DeliveredAt"] = DateTimeOffset.UtcNow;
        entity["DeliveryAttempts"] = 1;
        await submissions.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);
        await outbox.DeleteMessageAsync(answered.Outbox.MessageId, answered.Outbox.PopReceipt);
    }
}
