using System.Text.Json.Nodes;
using XQueue.Bench.Phases;
using XQueue.Bench.Rig;

namespace XQueue.Bench;

/// <summary>
/// What each request of the graded path costs in storage, gathered from the phases that measured it: per request its
/// calls and the calls one after another (the round trips it waits for, whatever runs at once), with its p50; and per
/// graded submission every call the service made, background work of every instance included. submit comes from the
/// <c>submits</c> phase (1 LMS client), get_submission and put_result and the whole from <c>cycles</c> (depth 300, 1 grader,
/// its 300 submitted through the API from first submit to last delivery). With a storage latency, p50 ≥ sequential × latency.
/// </summary>
public sealed record RequestCosts(Topology Topology, IReadOnlyList<RequestCosts.Endpoint> Endpoints, double? PerGradedSubmission)
{
    public sealed record Endpoint(string Name, double Calls, double Sequential, double P50Ms, string Where);

    public static RequestCosts? Of(Topology topology, SubmitThroughput? submits, GradedCycles? cycles)
    {
        var endpoints = new List<Endpoint>();
        if (submits is not null) Add(endpoints, "submit", submits.One.Storage.Requests, submits.One.Latency, "submits, 1 LMS client");
        var shallow = cycles?.Runs.Min(r => r.Depth);
        var run = shallow is { } depth ? cycles!.Of(depth, 1) : null;
        if (run?.Storage is { } storage)
        {
            if (submits is null) Add(endpoints, "submit", storage.Requests, null, $"cycles' fill of {run.Depth}, 8 LMS clients");
            Add(endpoints, "get_submission", storage.Requests, run.Graded.GetSubmission, $"cycles, depth {run.Depth}, 1 grader");
            Add(endpoints, "put_result", storage.Requests, run.Graded.PutResult, $"cycles, depth {run.Depth}, 1 grader");
        }
        return endpoints.Count == 0 ? null : new RequestCosts(topology, endpoints, run?.Storage?.PerUnit);
    }

    static void Add(List<Endpoint> endpoints, string name, RequestStorage requests, LatencySample? latency, string where)
    {
        if (requests.Calls(name) is { } calls && requests.Sequential(name) is { } sequential)
            endpoints.Add(new Endpoint(name, calls.Mean, sequential.Mean, latency?.P50 ?? double.NaN, where));
    }

    public string Headline()
    {
        var perRequest = string.Join(", ", Endpoints.Select(e => $"{e.Name} {e.Calls:F1}/{e.Sequential:F1}"));
        var whole = PerGradedSubmission is { } all ? $"; per graded submission, everything counted, {all:F1}" : "";
        return $"storage calls per request (all / one after another) {perRequest}{whole}";
    }

    /// <summary>With an added storage latency: each request's p50 beside the round trips it waits for; null without.</summary>
    public string? LatencyHeadline()
    {
        if (Topology.StorageLatency <= TimeSpan.Zero) return null;
        var latency = Topology.StorageLatency.TotalMilliseconds;
        var timed = Endpoints.Where(e => !double.IsNaN(e.P50Ms))
            .Select(e => $"{e.Name} {e.P50Ms:F1} ms ({e.Sequential:F1} calls one after another, {e.Sequential * latency:F1} ms)");
        return $"p50 with {latency:0.#} ms per storage call: {string.Join(", ", timed)}";
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["what"] = "per request: mean storage calls, and mean calls one after another (the service's xqueue.request.storage_* histograms), " +
                "with the request's p50; per graded submission: every storage call of the service, all instances, background included",
            ["storageLatencyMs"] = Topology.StorageLatency.TotalMilliseconds,
            ["perGradedSubmission"] = PerGradedSubmission is { } all ? Math.Round(all, 2) : null,
        };
        foreach (var e in Endpoints)
        {
            json[e.Name] = new JsonObject
            {
                ["calls"] = Math.Round(e.Calls, 2),
                ["sequential"] = Math.Round(e.Sequential, 2),
                ["p50Ms"] = double.IsNaN(e.P50Ms) ? null : Math.Round(e.P50Ms, 2),
                ["from"] = e.Where,
            };
        }
        return json;
    }
}
