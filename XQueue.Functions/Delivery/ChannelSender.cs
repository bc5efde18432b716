using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Which channels a submission's result is owed to (its queue's XQueue:Queues:&lt;name&gt;:Delivery, and Event Grid
/// when a topic is configured), and one attempt on each of those not yet done, all at once.
/// </summary>
public sealed class ChannelSender(
    LmsCallback lms, ScoreEventQueue eventQueue, ScoreEventGrid eventGrid, EventClaimCheck claimCheck,
    IOptions<XQueueOptions> options, ILogger<ChannelSender> log)
{
    public IReadOnlyList<DeliveryChannel> ChannelsFor(string queue)
    {
        var mode = ScoreEventsOptions.ChannelsOf(options.Value, queue);
        var channels = new List<DeliveryChannel>(3);
        if (mode != ResultChannels.Event) channels.Add(DeliveryChannel.Callback);
        if (mode == ResultChannels.Callback) return channels;
        channels.Add(DeliveryChannel.EventQueue);
        if (eventGrid.Enabled) channels.Add(DeliveryChannel.EventGrid);
        return channels;
    }

    public async Task<IReadOnlyList<(DeliveryChannel Channel, ChannelOutcome Outcome)>> SendAsync(
        Submission submission, string reply, IReadOnlyList<DeliveryChannel> due, CancellationToken cancellationToken)
    {
        ScoreEvent? scoreEvent = null;
        if (due.Any(channel => channel != DeliveryChannel.Callback))
        {
            var target = LmsCallbackUrl.Parse(submission.CallbackUrl);
            if (target is null)
            {
                log.LogWarning("The callback URL of submission {SubmissionId} does not have the LMS's shape; its score event has empty course, user and module ids",
                    submission.Id);
            }
            scoreEvent = ScoreEvent.For(submission, reply, target, options.Value.ScoreEvents.Source);
        }

        Task<Uri> Store(ScoreEvent e) => claimCheck.StoreAsync(submission, e, cancellationToken);
        async Task<(DeliveryChannel, ChannelOutcome)> AttemptAsync(DeliveryChannel channel)
        {
            try
            {
                return (channel, channel switch
                {
                    DeliveryChannel.Callback => await lms.PostAsync(submission.CallbackUrl, submission.Header, reply, cancellationToken),
                    DeliveryChannel.EventQueue => await eventQueue.PublishAsync(scoreEvent!, Store, cancellationToken),
                    DeliveryChannel.EventGrid => await eventGrid.PublishAsync(scoreEvent!, Store, cancellationToken),
                    _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "unknown delivery channel"),
                });
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One channel's fault must not cost the others their recorded success; it is retried like any failure.
                log.LogWarning(e, "Delivery of submission {SubmissionId} on {Channel} failed unexpectedly", submission.Id, channel);
                return (channel, new ChannelOutcome(false, null, e.GetType().Name));
            }
        }
        return await Task.WhenAll(due.Select(AttemptAsync));
    }
}
