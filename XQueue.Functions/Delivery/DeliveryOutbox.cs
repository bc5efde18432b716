using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>
/// One reply awaiting delivery: submission id, which reply, the lease on its message, and when the promise to
/// deliver was first made (a retry is a new message, so this travels in the message's text). The message is in
/// the outbox, or, for a result put_result has just accepted, still in its work queue (<paramref name="WorkQueue"/>),
/// with the result in the hold's row as delivery's claim left it (<paramref name="HoldETag"/>).
/// </summary>
public sealed record OutboxEntry(
    long SubmissionId, long ReplyVersion, string MessageId, string PopReceipt, DateTimeOffset InsertionTime, string? WorkQueue = null,
    string? HoldETag = null)
{
    /// <summary>The entry for a result kept in its hold's row: as put_result wrote it, or as the sweep claimed it.</summary>
    public static OutboxEntry ForHeldResult(HeldResult held, Submission accepted) =>
        new(held.Id, accepted.ReplyVersion, held.MessageId, held.Receipt, accepted.GradedAt ?? accepted.StatusAt, held.Queue, held.RowETag);
}

/// <summary>
/// The durable list of results owed to the LMS, kept as a Storage Queue that the DeliverResult queue trigger (or,
/// standalone, the <see cref="OutboxConsumer"/>) reads: a message's visibility is its next attempt time, so backoff
/// costs nothing while waiting. A failed attempt sends the entry again, hidden for the backoff, and deletes the
/// message it came in: under the Functions host each retry is then a fresh message, so the trigger's dequeue count
/// (and its poison queue) count only attempts that threw, never the days of backoff an LMS outage may take.
/// </summary>
public sealed class DeliveryOutbox(StorageAccount storage, StorageNames names, Holds holds, HoldResults heldResults, IOptions<XQueueOptions> options, TimeProvider time)
{
    /// <summary>Where the Functions host moves a message whose invocations kept throwing (its own naming rule).</summary>
    public const string PoisonSuffix = "-poison";

    readonly QueueClient queue = storage.GetQueue(names.DeliveryQueue);
    readonly QueueClient poison = storage.GetQueue(names.DeliveryQueue + PoisonSuffix);

    /// <summary>How long one attempt owns an entry before another instance may try it.</summary>
    public TimeSpan AttemptLease { get; } = options.Value.Delivery.Timeout * 2 + TimeSpan.FromSeconds(10);

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.WhenAll(
        queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
        poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken));

    /// <summary>Adds an entry already leased to the caller, so the first attempt can run at once.</summary>
    public async Task<OutboxEntry> EnqueueAsync(long submissionId, long replyVersion, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var sent = await queue.EnqueueAsync(Text(submissionId, replyVersion, now), AttemptLease, cancellationToken);
        return new OutboxEntry(submissionId, replyVersion, sent.MessageId, sent.PopReceipt, now);
    }

    public async Task<IReadOnlyList<OutboxEntry>> ReceiveDueAsync(int max, CancellationToken cancellationToken = default)
    {
        var messages = await queue.LeaseAsync(max, AttemptLease, cancellationToken);
        var entries = new List<OutboxEntry>(messages.Length);
        foreach (var message in messages)
        {
            if (Read(message.Body.ToString(), message.MessageId, message.PopReceipt, message.InsertedOn ?? time.GetUtcNow()) is { } entry) entries.Add(entry);
            else await queue.TryDeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        return entries;
    }

    /// <summary>The entry a message holds (as the queue trigger hands it over); null for a text that is none.</summary>
    public static OutboxEntry? Read(string text, string messageId, string popReceipt, DateTimeOffset insertedOn)
    {
        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3 || !long.TryParse(parts[0], out var id) || !long.TryParse(parts[1], out var version)) return null;
        var first = insertedOn;
        if (parts.Length == 3)
        {
            if (!long.TryParse(parts[2], out var milliseconds)) return null;
            first = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        }
        return new OutboxEntry(id, version, messageId, popReceipt, first);
    }

    /// <summary>
    /// The entry is done with: its message goes, and then, for a result in its work queue, its hold (in that order, so
    /// a queue length read in between never counts the submission as waiting). A work message that could not be
    /// deleted with the hold's receipt was taken by a pull meanwhile, which drops it: the row stays as a mark that no
    /// message sent before now is handed out.
    /// </summary>
    public async Task CompleteAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
    {
        var deleted = await QueueOf(entry).TryDeleteAsync(entry.MessageId, entry.PopReceipt, cancellationToken);
        switch (entry)
        {
            case { WorkQueue: { } work, HoldETag: { } etag } when deleted:
                await heldResults.EndAsync(work, entry.SubmissionId, etag, cancellationToken);
                break;
            case { WorkQueue: { } work, HoldETag: not null }:
                await heldResults.DeliveredWithoutMessageAsync(work, entry.SubmissionId, cancellationToken);
                break;
            case { WorkQueue: { } work }:
                await holds.EndAsync(work, entry.SubmissionId, cancellationToken); // a result message of an earlier version
                break;
        }
    }

    public Task CancelAsync(OutboxEntry entry, CancellationToken cancellationToken = default) => CompleteAsync(entry, cancellationToken);

    /// <summary>The next attempt after <paramref name="delay"/>: the entry sent again (first sent, then the old one deleted).</summary>
    public async Task RetryLaterAsync(OutboxEntry entry, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        await queue.EnqueueAsync(Text(entry.SubmissionId, entry.ReplyVersion, entry.InsertionTime), delay, cancellationToken);
        await CompleteAsync(entry, cancellationToken);
    }

    /// <summary>
    /// Entries the Functions host set aside after invocations kept throwing, sent back to the outbox hidden for the
    /// longest backoff: a delivery is given up only by GiveUpAfter, never by a run of failures.
    /// </summary>
    public async Task<int> RescuePoisonedAsync(CancellationToken cancellationToken = default)
    {
        var messages = await poison.LeaseAsync(32, AttemptLease, cancellationToken);
        foreach (var message in messages)
        {
            await queue.EnqueueAsync(message.Body.ToString(), options.Value.Delivery.RetryMax, cancellationToken);
            await poison.TryDeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        return messages.Length;
    }

    QueueClient QueueOf(OutboxEntry entry) => entry.WorkQueue is { } work ? storage.GetQueue(work) : queue;

    static string Text(long submissionId, long replyVersion, DateTimeOffset first) =>
        FormattableString.Invariant($"{submissionId}:{replyVersion}:{first.ToUnixTimeMilliseconds()}");
}
