namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>The real clock moved by <see cref="Offset"/>: lets a test jump past a grace period or a retention.</summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
