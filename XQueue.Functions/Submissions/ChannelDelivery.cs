using System.Text.Json.Serialization;

namespace XQueue.Functions.Submissions;

/// <summary>One way a result leaves the service (docs/grader-api.md, "Score events").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeliveryChannel>))]
public enum DeliveryChannel
{
    /// <summary>The legacy form POST to the LMS's callback URL.</summary>
    Callback,

    /// <summary>The score event, put on the score-events Storage Queue.</summary>
    EventQueue,

    /// <summary>The score event, published to the Event Grid topic.</summary>
    EventGrid,
}

/// <summary>
/// How far one channel got with the current reply. Kept per channel so that a result owed to two places
/// reaches each once: the channel that succeeded is not sent again while the other is retried.
/// Reset whenever a new reply is stored or an operator re-sends the result.
/// </summary>
public sealed record ChannelDelivery(DeliveryChannel Channel, [property: JsonConverter(typeof(JsonStringEnumConverter<DeliveryState>))] DeliveryState State,
    int Attempts, string? Last, DateTimeOffset At)
{
    public bool Done => State is DeliveryState.Delivered or DeliveryState.GaveUp;
}
