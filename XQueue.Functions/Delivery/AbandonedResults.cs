using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Results put_result accepted on an instance that stopped before their first delivery attempt settled. Such a result
/// is in its hold's row, which delivery's lease (<see cref="DeliveryOutbox.AttemptLease"/>) keeps live; when that
/// lease runs out, the sweep finds the row with one query of the holds table, whatever the depth of its work queue
/// and with no grader pulling, claims it for another lease and hands it to delivery. A result is thus delivered within
/// the attempt lease plus one sweep interval. A result message of an earlier version (the result in the work message
/// itself) is handed to delivery by the pull that meets it.
/// </summary>
public sealed class AbandonedResults(HoldResults heldResults, DeliveryOutbox outbox, DeliveryWorker worker, TimeProvider time, ILogger<AbandonedResults> log)
{
    /// <returns>How many results were found and handed to delivery.</returns>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken = default)
    {
        var found = 0;
        foreach (var held in await heldResults.ClaimAbandonedResultsAsync(outbox.AttemptLease, cancellationToken))
        {
            if (WorkMessage.Read(held.Text) is not { Kind: WorkMessageKind.Result, Snapshot: { } accepted })
            {
                // Written by put_result, so never expected; claimed again each lease, it shows here until mended.
                log.LogError("The result kept for submission {SubmissionId} on {WorkQueue} cannot be read", held.Id, held.Queue);
                continue;
            }
            worker.StartSoon(OutboxEntry.ForHeldResult(held, accepted), accepted);
            found++;
        }
        if (found > 0) log.LogWarning("{Count} results accepted but left undelivered (an instance stopped) were handed to delivery", found);
        return found;
    }

    /// <summary>A result message of an earlier version, received by a pull that met it, goes to delivery under its new receipt.</summary>
    public void Resume(QueueClient work, QueueMessage message, Submission accepted) =>
        worker.StartSoon(new OutboxEntry(accepted.Id, accepted.ReplyVersion, message.MessageId, message.PopReceipt, accepted.GradedAt ?? time.GetUtcNow(), work.Name), accepted);
}
