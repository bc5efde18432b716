using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>
/// What one delivery attempt did to a submission's delivery state: each attempted channel's own state, and the
/// summary the submission shows (dashboard, timeline). The result counts as delivered only when every channel it
/// is owed to has it, and as given up once each of those has either delivered or given up.
/// </summary>
public sealed record DeliveryRound(IReadOnlyList<ChannelDelivery> Channels, DeliveryState State, int? Status, string? Error, string? Detail)
{
    public static DeliveryRound Of(
        IReadOnlyList<DeliveryChannel> owed, IReadOnlyList<ChannelDelivery> before,
        IReadOnlyList<(DeliveryChannel Channel, ChannelOutcome Outcome)> outcomes, DateTimeOffset now, bool giveUp)
    {
        var channels = before.ToDictionary(c => c.Channel);
        foreach (var (channel, outcome) in outcomes)
        {
            var attempts = channels.TryGetValue(channel, out var previous) ? previous.Attempts : 0;
            var state = outcome.Delivered ? DeliveryState.Delivered : giveUp ? DeliveryState.GaveUp : DeliveryState.Pending;
            channels[channel] = new ChannelDelivery(channel, state, attempts + 1, outcome.Describe(), now);
        }

        var owedStates = owed.Select(channel => channels.GetValueOrDefault(channel)).ToList();
        var overall = owedStates.All(c => c?.State == DeliveryState.Delivered) ? DeliveryState.Delivered
            : owedStates.All(c => c?.Done == true) ? DeliveryState.GaveUp
            : DeliveryState.Pending;
        var list = channels.Values.OrderBy(c => c.Channel).ToList();

        // A callback-only queue keeps exactly the fields and timeline text it always had.
        if (outcomes is [{ Channel: DeliveryChannel.Callback, Outcome: var only }] && owed is [DeliveryChannel.Callback])
        {
            return new DeliveryRound(list, overall, only.Status, only.Error, only.Status is { } status ? $"HTTP {status}" : only.Error);
        }
        var detail = outcomes.Count == 0 ? null : string.Join("; ", outcomes.Select(o => $"{Name(o.Channel)} {o.Outcome.Describe()}"));
        return new DeliveryRound(list, overall, null, detail, detail);
    }

    public static string Name(DeliveryChannel channel) => channel switch
    {
        DeliveryChannel.Callback => "callback",
        DeliveryChannel.EventQueue => "event queue",
        DeliveryChannel.EventGrid => "event grid",
        _ => channel.ToString(),
    };
}
