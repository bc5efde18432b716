using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Results put_result accepted on an instance that died before their first delivery attempt settled. Such a result is
/// its work message, turned into the result and hidden for <see cref="DeliveryOutbox.AttemptLease"/>; when that passes
/// it is visible again, and a pull would hand it to delivery, but a quiet queue has no pulls. So the sweep peeks at the
/// front of each work queue (one call, which counts no pull) and, only when a result is there, receives up to it:
/// the results go to delivery, the submissions received on the way are given back at once with one more skip (so
/// the poison rule does not count this receive as a pull). A result is then delivered within the attempt lease plus
/// one sweep interval, as long as it is among the first 32 visible messages; deeper in a queue, the next pulls reach it.
/// </summary>
public sealed class AbandonedResults(QueueCatalog catalog, DeliveryOutbox outbox, DeliveryWorker worker, TimeProvider time, ILogger<AbandonedResults> log)
{
    const int PeekMax = 32;

    /// <returns>How many results were found and handed to delivery.</returns>
    public async Task<int> RecoverAsync(string queueName, CancellationToken cancellationToken = default)
    {
        var work = catalog.WorkQueue(queueName);
        var front = (await work.PeekMessagesAsync(PeekMax, cancellationToken)).Value;
        var upTo = Array.FindLastIndex(front, message => WorkMessage.Read(message.Body.ToString()) is { Kind: WorkMessageKind.Result });
        if (upTo < 0) return 0;

        var found = 0;
        foreach (var message in await work.LeaseAsync(upTo + 1, outbox.AttemptLease, cancellationToken))
        {
            var text = message.Body.ToString();
            if (WorkMessage.Read(text) is { Kind: WorkMessageKind.Result, Snapshot: { } accepted })
            {
                Resume(work, message, accepted);
                found++;
            }
            else await GiveBackAsync(work, message.MessageId, message.PopReceipt, text, cancellationToken);
        }
        if (found > 0) log.LogWarning("{Count} results accepted on {Queue} but left undelivered (an instance stopped) were handed to delivery", found, queueName);
        return found;
    }

    /// <summary>A result message received (by the sweep, or by a pull that met it) goes to delivery under its new receipt.</summary>
    public void Resume(QueueClient work, QueueMessage message, Submission accepted) =>
        worker.StartSoon(new OutboxEntry(accepted.Id, accepted.ReplyVersion, message.MessageId, message.PopReceipt, accepted.GradedAt ?? time.GetUtcNow(), work.Name), accepted);

    static async Task GiveBackAsync(QueueClient work, string messageId, string receipt, string text, CancellationToken cancellationToken)
    {
        try
        {
            await work.UpdateMessageAsync(messageId, receipt, WorkMessage.OneMoreSkip(text) ?? text, TimeSpan.Zero, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 400 or 404)
        {
            // Deleted meanwhile (retired by an operator): nothing to give back.
        }
    }
}
