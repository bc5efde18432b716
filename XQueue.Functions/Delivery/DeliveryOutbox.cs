using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>One reply awaiting delivery: submission id, which reply, and the lease on its outbox message.</summary>
public sealed record OutboxEntry(long SubmissionId, long ReplyVersion, string MessageId, string PopReceipt, DateTimeOffset InsertionTime);

/// <summary>
/// The durable list of results owed to the LMS, kept as a Storage Queue: a message's visibility is its
/// next attempt time, so backoff costs nothing while waiting and the sweep only ever sees what is due.
/// </summary>
public sealed class DeliveryOutbox(StorageAccount storage, StorageNames names, IOptions<XQueueOptions> options, TimeProvider time)
{
    readonly QueueClient queue = storage.GetQueue(names.DeliveryQueue);

    /// <summary>How long one attempt owns an entry before another instance may try it.</summary>
    public TimeSpan AttemptLease { get; } = options.Value.Delivery.Timeout * 2 + TimeSpan.FromSeconds(10);

    public Task InitializeAsync(CancellationToken cancellationToken) => queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Adds an entry already leased to the caller, so the first attempt can run at once.</summary>
    public async Task<OutboxEntry> EnqueueAsync(long submissionId, long replyVersion, CancellationToken cancellationToken = default)
    {
        var sent = await queue.EnqueueAsync($"{submissionId}:{replyVersion}", AttemptLease, cancellationToken);
        return new OutboxEntry(submissionId, replyVersion, sent.MessageId, sent.PopReceipt, time.GetUtcNow());
    }

    public async Task<IReadOnlyList<OutboxEntry>> ReceiveDueAsync(int max, CancellationToken cancellationToken = default)
    {
        var messages = await queue.LeaseAsync(max, AttemptLease, cancellationToken);
        var entries = new List<OutboxEntry>(messages.Length);
        foreach (var message in messages)
        {
            if (TryParse(message.Body.ToString(), out var id, out var version))
            {
                entries.Add(new OutboxEntry(id, version, message.MessageId, message.PopReceipt, message.InsertedOn ?? time.GetUtcNow()));
            }
            else
            {
                await queue.TryDeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }
        }
        return entries;
    }

    public Task CompleteAsync(OutboxEntry entry, CancellationToken cancellationToken = default) =>
        queue.TryDeleteAsync(entry.MessageId, entry.PopReceipt, cancellationToken);

    public Task CancelAsync(OutboxEntry entry, CancellationToken cancellationToken = default) => CompleteAsync(entry, cancellationToken);

    public async Task RetryLaterAsync(OutboxEntry entry, TimeSpan delay, CancellationToken cancellationToken = default) =>
        await queue.HideAsync(entry.MessageId, entry.PopReceipt, delay, cancellationToken);

    /// <summary>Results not yet accepted by the LMS (approximate: the queue's own count).</summary>
    public Task<int> PendingCountAsync(CancellationToken cancellationToken = default) => queue.ApproximateCountAsync(cancellationToken);

    static bool TryParse(string text, out long id, out long version)
    {
        version = 0;
        var colon = text.IndexOf(':');
        id = 0;
        return colon > 0 && long.TryParse(text.AsSpan(0, colon), out id) && long.TryParse(text.AsSpan(colon + 1), out version);
    }
}
