using XQueue.Functions.Delivery;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Tests.Delivery;

/// <summary>How one attempt's channel outcomes become the submission's delivery state.</summary>
public sealed class DeliveryRoundTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    static readonly DeliveryChannel[] Both = [DeliveryChannel.Callback, DeliveryChannel.EventQueue];

    [Fact]
    public void A_callback_only_round_keeps_the_legacy_status_and_timeline_text()
    {
        var round = DeliveryRound.Of([DeliveryChannel.Callback], [], [(DeliveryChannel.Callback, new ChannelOutcome(false, 503, "HTTP 503"))], Now, giveUp: false);
        Assert.Equal((DeliveryState.Pending, 503, "HTTP 503", "HTTP 503"), (round.State, round.Status, round.Error, round.Detail));
    }

    [Fact]
    public void One_channel_done_and_one_failing_is_pending_then_delivered_when_the_other_succeeds()
    {
        var first = DeliveryRound.Of(Both, [], [(DeliveryChannel.Callback, new ChannelOutcome(false, 503, "HTTP 503")), (DeliveryChannel.EventQueue, ChannelOutcome.Accepted)], Now, false);
        Assert.Equal(DeliveryState.Pending, first.State);
        Assert.Equal("callback HTTP 503; event queue sent", first.Detail);

        var second = DeliveryRound.Of(Both, first.Channels, [(DeliveryChannel.Callback, new ChannelOutcome(true, 200, null))], Now.AddSeconds(5), false);
        Assert.Equal(DeliveryState.Delivered, second.State);
        Assert.Equal([(DeliveryChannel.Callback, DeliveryState.Delivered, 2), (DeliveryChannel.EventQueue, DeliveryState.Delivered, 1)],
            second.Channels.Select(c => (c.Channel, c.State, c.Attempts)));
    }

    [Fact]
    public void Past_give_up_the_failing_channel_gives_up_and_the_one_that_delivered_stays_delivered()
    {
        var delivered = new ChannelDelivery(DeliveryChannel.EventQueue, DeliveryState.Delivered, 1, "sent", Now);
        var round = DeliveryRound.Of(Both, [delivered], [(DeliveryChannel.Callback, new ChannelOutcome(false, null, "ConnectionError"))], Now, giveUp: true);
        Assert.Equal(DeliveryState.GaveUp, round.State);
        Assert.Equal(DeliveryState.Delivered, round.Channels.Single(c => c.Channel == DeliveryChannel.EventQueue).State);
    }
}
