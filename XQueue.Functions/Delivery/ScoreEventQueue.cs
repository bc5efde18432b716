using Azure.Storage.Queues;
using System.Text;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Puts score events on the score-events Storage Queue (XQueue:ScoreEvents:Queue), one message per event: the
/// event's JSON as plain text, no base64, never expiring. An event whose message would pass the service's
/// 64 KiB limit is sent with a <c>dataref</c> instead of its data (see <see cref="EventClaimCheck"/>).
/// </summary>
public sealed class ScoreEventQueue(StorageAccount storage, StorageNames names, IOptions<XQueueOptions> options)
{
    public const int MaxMessageBytes = 64 * 1024;

    readonly QueueClient queue = storage.GetQueue(names.ScoreEventsQueue(options.Value.ScoreEvents.Queue));

    public string Name => queue.Name;

    /// <summary>Created only when some queue delivers events, so other deployments carry no unused queue.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        options.Value.Queues.Keys.Any(name => ScoreEventsOptions.ChannelsOf(options.Value, name) != ResultChannels.Callback)
            ? queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken)
            : Task.CompletedTask;

    public async Task<ChannelOutcome> PublishAsync(ScoreEvent scoreEvent, Func<ScoreEvent, Task<Uri>> claimCheck, CancellationToken cancellationToken)
    {
        try
        {
            var text = Encoding.UTF8.GetString(scoreEvent.Bytes);
            if (EscapedBytes(text) > MaxMessageBytes) text = Encoding.UTF8.GetString(await scoreEvent.ReferencedAsync(claimCheck));
            await queue.EnqueueAsync(text, cancellationToken: cancellationToken);
            return ChannelOutcome.Accepted;
        }
        catch (Azure.RequestFailedException e)
        {
            return new ChannelOutcome(false, e.Status == 0 ? null : e.Status, e.ErrorCode ?? "storage unavailable");
        }
    }

    // The message travels XML-escaped; counting the escapes keeps the check on the safe side of the limit.
    static int EscapedBytes(string text)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        foreach (var c in text)
        {
            if (c is '<' or '>') bytes += 3;
            else if (c is '&') bytes += 4;
        }
        return bytes;
    }
}
