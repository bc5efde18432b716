namespace XQueue.Functions.Storage;

/// <summary>
/// The patience, in seconds, of each storage call an HTTP function makes (<see cref="StoragePatience"/>): what its
/// caller can wait for, divided by the calls on its path. Read into the function's catalog entry.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoragePatienceAttribute(double seconds) : Attribute
{
    public TimeSpan Patience { get; } = TimeSpan.FromSeconds(seconds);
}
