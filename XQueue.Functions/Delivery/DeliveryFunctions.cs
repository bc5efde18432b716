using System.Globalization;
using Microsoft.Azure.Functions.Worker;

namespace XQueue.Functions.Delivery;

/// <summary>
/// DeliverResult: the outbox's queue trigger, so on Flex Consumption the host scales delivery from the outbox's
/// length even when no HTTP traffic keeps an instance alive. The attempt settles its own message (deleted when
/// done, sent again hidden for the backoff when not); the host's delete that follows a successful invocation then
/// finds the message gone and leaves it at that. An invocation that throws (storage unreachable) is retried by the
/// host, and after maxDequeueCount moved to the poison queue, from which the sweep sends it back.
/// </summary>
public sealed class DeliveryFunctions(ResultDelivery delivery, ILogger<DeliveryFunctions> log)
{
    /// <summary>The outbox queue (see StorageNames.DeliveryQueue); the host resolves the prefix from the app setting.</summary>
    public const string OutboxQueue = "%XQueue:StoragePrefix%delivery";

    [Function("DeliverResult")]
    public async Task DeliverResult([QueueTrigger(OutboxQueue)] string message, FunctionContext context)
    {
        var data = context.BindingContext.BindingData;
        var entry = DeliveryOutbox.Read(message, Text(data, "Id"), Text(data, "PopReceipt"),
            DateTimeOffset.TryParse(Text(data, "InsertionTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var inserted)
                ? inserted
                : DateTimeOffset.UtcNow);
        if (entry is null)
        {
            log.LogWarning("Outbox message {MessageId} is not a delivery entry; dropped", Text(data, "Id"));
            return;
        }
        await delivery.AttemptAsync(entry, cancellationToken: context.CancellationToken);
    }

    // Trigger metadata arrives as JSON text: strings keep their quotes.
    static string Text(IReadOnlyDictionary<string, object?> data, string key) =>
        data.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim('"') ?? "" : "";
}
