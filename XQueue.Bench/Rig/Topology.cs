using System.Globalization;
using System.Text.Json.Nodes;

namespace XQueue.Bench.Rig;

/// <summary>
/// What each rig's service looks like (<c>--instances</c>, <c>--storage-latency</c>): how many instances of the app
/// share the rig's storage (same Azurite, same storage prefix; each in this process with its own host, storage
/// clients, memory and timers, so they share nothing but storage, as Functions instances do), and the delay each
/// instance adds to every storage call (<c>XQueue:Storage:AddedLatency</c>), the in-region round trip of Azure
/// Storage that Azurite on loopback does not have. The simulated clients send each request to the next instance
/// in turn (<see cref="InstanceRotation"/>).
/// </summary>
public sealed record Topology(int Instances, TimeSpan StorageLatency)
{
    public const int MaxInstances = 8;

    public static readonly Topology Single = new(1, TimeSpan.Zero);

    /// <summary>The same storage latency on one instance: what several instances are compared to.</summary>
    public Topology OneInstance => this with { Instances = 1 };

    /// <summary>The service settings this adds to a rig's.</summary>
    public IReadOnlyDictionary<string, string?> Settings() => StorageLatency > TimeSpan.Zero
        ? new Dictionary<string, string?> { ["XQueue:Storage:AddedLatency"] = StorageLatency.ToString("c", CultureInfo.InvariantCulture) }
        : new Dictionary<string, string?>();

    public string Describe() =>
        (Instances == 1 ? "1 instance" : $"{Instances} instances, requests in rotation") +
        (StorageLatency > TimeSpan.Zero ? $", {StorageLatency.TotalMilliseconds:0.#} ms added to every storage call" : "");

    public JsonObject ToJson() => new()
    {
        ["instances"] = Instances,
        ["storageLatencyMs"] = StorageLatency.TotalMilliseconds,
        ["description"] = Describe(),
    };
}
