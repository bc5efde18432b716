using System.Text.Json.Nodes;

namespace XQueue.Bench.Rig;

/// <summary>
/// Storage as the service saw it over one stretch of a phase: every call its counter counted (<see cref="StorageCallMeter"/>:
/// every instance, every request, and the background work that no request waits for: deliveries, sweeps, the
/// holds each instance publishes and reads, counts and backlog looks), and per request endpoint the calls and the
/// calls one after another (<see cref="RequestStorageMeter"/>). One per phase; <see cref="Start"/> and
/// <see cref="Since"/> bound a stretch.
/// </summary>
public sealed class StorageMeters : IDisposable
{
    readonly StorageCallMeter calls = new();
    readonly RequestStorageMeter requests = new();

    public sealed record Mark(StorageCalls Calls, RequestStorage Requests);

    public Mark Start() => new(calls.Snapshot(), requests.Snapshot());

    /// <param name="units">What the calls are amortised over: how many graded submissions, submits.</param>
    /// <param name="unit">What one is, in words ("graded submission"); in the JSON, camel-cased: per&lt;Unit&gt;.</param>
    public StorageCost Since(Mark mark, int units, string unit) =>
        new(calls.Snapshot().Minus(mark.Calls), requests.Snapshot().Minus(mark.Requests), units, unit);

    public void Dispose()
    {
        calls.Dispose();
        requests.Dispose();
    }
}

/// <summary>What one stretch cost in storage calls (<see cref="StorageMeters"/>), in all and per request endpoint.</summary>
public sealed record StorageCost(StorageCalls Calls, RequestStorage Requests, int Units, string Unit)
{
    public long Total => Calls.Counts.Values.Sum();

    /// <summary>Every call, background included, per unit; NaN when there were none.</summary>
    public double PerUnit => Units > 0 ? Total / (double)Units : double.NaN;

    public JsonObject ToJson()
    {
        var operations = Calls.Counts.GroupBy(pair => pair.Key.Operation).OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => KeyValuePair.Create(group.Key, (JsonNode?)Math.Round(group.Sum(pair => pair.Value) / (double)Math.Max(1, Units), 3)));
        return new JsonObject
        {
            ["what"] = $"every storage call the service counted in this stretch (all instances, requests and background work), per {Unit}; " +
                "per request endpoint, the calls each request made and the most of them that ran one after another (the service's xqueue.request.storage_* histograms)",
            ["calls"] = Total,
            [Key(Unit) + "s"] = Units,
            ["per" + Key(" " + Unit)] = double.IsNaN(PerUnit) ? null : Math.Round(PerUnit, 2),
            ["byOperation"] = new JsonObject(operations),
            ["perRequest"] = Requests.ToJson(),
        };
    }

    // "graded submission" → "gradedSubmission"; with a leading space, "GradedSubmission".
    static string Key(string words) =>
        string.Concat(words.Split(' ').Select((word, i) => i == 0 || word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..]));
}
