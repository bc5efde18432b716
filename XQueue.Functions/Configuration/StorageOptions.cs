namespace XQueue.Functions.Configuration;

/// <summary>The <c>XQueue:Storage</c> section: knobs of the service's storage clients.</summary>
public sealed class StorageOptions
{
    /// <summary>The longest <see cref="AddedLatency"/>: more would only make every request time out.</summary>
    public static readonly TimeSpan MaxAddedLatency = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A delay added to every attempt of every storage call (<see cref="Storage.AddedLatencyPolicy"/>). For
    /// benchmarking only: Azurite on loopback answers in well under a millisecond, Azure Storage in a few, so a
    /// design that makes calls one after another looks as fast as one that makes them at once. Zero (the default)
    /// adds nothing.
    /// </summary>
    public TimeSpan AddedLatency { get; set; } = TimeSpan.Zero;

    public void Validate(List<string> errors)
    {
        if (AddedLatency < TimeSpan.Zero || AddedLatency > MaxAddedLatency)
        {
            errors.Add($"XQueue:Storage:AddedLatency must be between 00:00:00 and {MaxAddedLatency} (got {AddedLatency}).");
        }
    }
}
