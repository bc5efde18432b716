namespace XQueue.Functions.Delivery;

/// <summary>What one attempt on one channel came to: accepted or not, the HTTP status when there was one, and why not.</summary>
public sealed record ChannelOutcome(bool Delivered, int? Status, string? Error)
{
    public static readonly ChannelOutcome Accepted = new(true, null, null);

    /// <summary>Short, for the timeline: "HTTP 503", "timeout", "sent".</summary>
    public string Describe() => Status is { } status ? $"HTTP {status}" : Error ?? (Delivered ? "sent" : "failed");
}
