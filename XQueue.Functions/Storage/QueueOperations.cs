using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace XQueue.Functions.Storage;

/// <summary>The ways the service uses a Storage Queue, on top of the SDK's client.</summary>
public static class QueueOperations
{
    // -1 seconds is the service's "never": a submission may wait longer than the default 7 days.
    static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    /// <summary>Adds a message that stays until deleted, hidden for <paramref name="hiddenFor"/> first when given.</summary>
    public static async Task<SendReceipt> EnqueueAsync(
        this QueueClient queue, string text, TimeSpan? hiddenFor = null, CancellationToken cancellationToken = default) =>
        (await queue.SendMessageAsync(text, hiddenFor is { } hidden ? WholeSeconds(hidden) : null, NeverExpires, cancellationToken)
            .ConfigureAwait(false)).Value;

    /// <summary>Takes up to <paramref name="max"/> (1-32) messages, each hidden from others for <paramref name="lease"/>.</summary>
    public static async Task<QueueMessage[]> LeaseAsync(this QueueClient queue, int max, TimeSpan lease, CancellationToken cancellationToken = default) =>
        (await queue.ReceiveMessagesAsync(max, WholeSeconds(lease), cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Moves a held message's visibility; the returned pop receipt replaces <paramref name="popReceipt"/>.</summary>
    /// <exception cref="RequestFailedException">404 or 400 when the receipt is stale: someone else holds the message now.</exception>
    public static async Task<UpdateReceipt> HideAsync(
        this QueueClient queue, string messageId, string popReceipt, TimeSpan hiddenFor, CancellationToken cancellationToken = default) =>
        (await queue.UpdateMessageAsync(messageId, popReceipt, (string?)null, WholeSeconds(hiddenFor), cancellationToken).ConfigureAwait(false)).Value;

    /// <returns>False when the message is gone or <paramref name="popReceipt"/> is stale (someone else owns it now).</returns>
    public static async Task<bool> TryDeleteAsync(this QueueClient queue, string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        try
        {
            await queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when ((e.Status, e.ErrorCode) is (404, "MessageNotFound") or (400, "PopReceiptMismatch"))
        {
            return false;
        }
    }

    /// <summary>The service's approximate count, which includes hidden messages and is never too low.</summary>
    public static async Task<int> ApproximateCountAsync(this QueueClient queue, CancellationToken cancellationToken = default) =>
        (await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;

    /// <summary>The service takes whole seconds; a fraction is rounded up so a lease is never shorter than asked.</summary>
    static TimeSpan WholeSeconds(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return TimeSpan.FromSeconds(Math.Ceiling(duration.TotalSeconds));
    }
}
