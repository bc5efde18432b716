using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace XQueue.Bench;

public enum Better { Higher, Lower, Neither }

/// <summary>
/// A figure <see cref="SideBySide"/> sets beside another commit's, read from a summary's JSON (what the phases'
/// ToJson print), so another commit's summary is read the same way as this one's. Null where the summary lacks it:
/// the phase did not run or failed, or the field is newer than that commit.
/// </summary>
public sealed record Figure(string Name, Better Better, Func<JsonNode, double?> Read)
{
    /// <summary>The figures in table order; graded cycles for every run either summary reports, matched on depth, graders, pull size and instances.</summary>
    public static IEnumerable<Figure> Of(params JsonNode[] summaries)
    {
        yield return new("machine load average at start", Better.Neither, s => Number(s, "machine", "loadAverageAtStart"));
        yield return new("service instances", Better.Neither, s => Number(s, "instances") ?? 1);
        yield return new("storage latency added ms", Better.Neither, s => Number(s, "storageLatencyMs") ?? 0);
        yield return new("submits/s, 1 LMS client", Better.Higher, s => Number(s, "submits", "oneClient", "submitsPerSecond"));
        yield return new("submits/s, 4 LMS clients", Better.Higher, s => Number(s, "submits", "fourClients", "submitsPerSecond"));
        yield return new("submit p50 ms, 4 LMS clients", Better.Lower, s => Number(s, "submits", "fourClients", "latencyMs", "p50"));
        yield return new("submit p99 ms, 4 LMS clients", Better.Lower, s => Number(s, "submits", "fourClients", "latencyMs", "p99"));

        var runs = summaries.SelectMany(Runs).Select(Key).Distinct().ToArray();
        foreach (var (depth, graders, pullSize, instances) in runs)
        {
            var bulk = pullSize > 1 ? $", bulk of {pullSize}" : "";
            var on = instances > 1 ? $", {instances} instances" : "";
            yield return new($"graded cycles/s, depth {depth:N0}, {Graders(graders)}{bulk}{on}", Better.Higher,
                s => Number(Run(s, depth, graders, pullSize, instances), "cyclesPerSecond"));
        }
        if (runs.Length > 0)
        {
            var deepest = runs.Max(r => r.Depth);
            foreach (var (endpoint, key) in new[] { ("get_submission", "getSubmissionMs"), ("put_result", "putResultMs") })
            {
                foreach (var percentile in new[] { "p50", "p95", "p99" })
                    yield return new($"{endpoint} {percentile} ms, depth {deepest:N0}, 1 grader", Better.Lower,
                        s => Number(Run(s, deepest, 1, 1, Instances(s)), key, percentile));
            }
        }
        foreach (var graders in new[] { "oneGrader", "fourGraders" })
        {
            var who = graders == "oneGrader" ? "1 grader" : "4 graders";
            yield return new($"cycles/s, these instances ÷ one, depth 300, {who}", Better.Higher, s => Number(s, "cycles", "vsOneInstance", graders, "cyclesPerSecondRatio"));
            yield return new($"put_result p50 ms, these instances - one, depth 300, {who}", Better.Lower, s => Number(s, "cycles", "vsOneInstance", graders, "putResultP50DifferenceMs"));
        }
        var levels = summaries.Select(s => (Deep: Number(s, "depth", "deep", "depth"), Shallow: Number(s, "depth", "shallow", "depth")))
            .FirstOrDefault(level => level.Deep is not null && level.Shallow is not null);
        var depths = levels.Deep is null ? "deep ÷ shallow queue" : $"depth {levels.Deep:N0} ÷ {levels.Shallow:N0}";
        yield return new($"get_submission p50, {depths}", Better.Lower, s => Number(s, "depth", "getSubmissionP50Ratio"));
        yield return new($"graded cycle p50, {depths}", Better.Lower, s => Number(s, "depth", "cycleP50Ratio"));
        yield return new($"bare storage calls p50, {depths}", Better.Neither, s => Number(s, "depth", "bareGetSubmissionCallsP50Ratio"));

        yield return new("duplicates: handed out twice", Better.Lower, s => Number(s, "duplicates", "handedOutTwice"));
        yield return new("duplicates: delivered more than once", Better.Lower, s => Number(s, "duplicates", "resultsDeliveredMoreThanOnce"));
        yield return new("duplicates: missing callbacks", Better.Lower, s => Number(s, "duplicates", "missingCallbacks"));

        yield return new("storage calls per graded submission", Better.Lower, s => Number(s, "calls", "perGradedSubmission"));
        foreach (var endpoint in new[] { "submit", "get_submission", "put_result", "delivery" })
            yield return new($"storage calls per {endpoint}", Better.Lower, s => Number(s, "calls", "byEndpoint", endpoint, "total"));
        yield return new("storage calls per empty poll", Better.Lower, s => Number(s, "calls", "emptyPoll", "perPoll"));
        yield return new("storage calls per graded submission, everything counted (depth 300, 1 grader)", Better.Lower,
            s => Number(s, "requestCosts", "perGradedSubmission"));
        foreach (var endpoint in new[] { "submit", "get_submission", "put_result" })
        {
            yield return new($"{endpoint}: storage calls per request", Better.Lower, s => Number(s, "requestCosts", endpoint, "calls"));
            yield return new($"{endpoint}: storage calls one after another", Better.Lower, s => Number(s, "requestCosts", endpoint, "sequential"));
        }
        yield return new("idle grader storage calls/h, polling", Better.Lower, s => Number(s, "idle", "polling", "storageCallsPerHour"));
        yield return new("idle grader storage calls/h, long polling", Better.Lower, s => Number(s, "idle", "longPolling", "storageCallsPerHour"));

        yield return new("submit -> callback p50 ms", Better.Lower, s => Number(s, "e2e", "endToEndMs", "p50"));
        yield return new("submit -> callback p99 ms", Better.Lower, s => Number(s, "e2e", "endToEndMs", "p99"));

        foreach (var workers in new[] { 1, 4 })
            yield return new($"floor cycles/s, {workers} worker{(workers > 1 ? "s" : "")}", Better.Neither, s => Number(Floor(s, workers), "cyclesPerSecond"));
        yield return new("service ÷ floor %, 1 grader", Better.Higher, s => Number(s, "serviceVsFloor", "oneGraderPercent"));
        yield return new("service ÷ floor %, 4 graders", Better.Higher, s => Number(s, "serviceVsFloor", "fourGradersPercent"));

        yield return new("wave: drained in s", Better.Lower, s => Number(s, "wave", "drainedSeconds"));
        yield return new("wave: delivered", Better.Higher, s => Number(s, "wave", "deliveredToLms"));
        yield return new("wave: missing at the end", Better.Lower, s => Number(s, "wave", "notDeliveredAtEnd"));
        yield return new("wave: delivered more than once", Better.Lower, s => Number(s, "wave", "deliveredMoreThanOnce"));
        yield return new("wave: handed out again too soon", Better.Lower, s => Number(s, "wave", "handedOutAgainWithinProcessingDelay"));

        foreach (var variant in Publish.Variants)
            yield return new($"cold start ms, {Publish.Describe(variant)} (median)", Better.Lower, s => Number(s, "coldstart", variant + "Ms", "median"));
        yield return new("bench wall time s", Better.Neither, s => Number(s, "wallSeconds"));
    }

    /// <summary>The number at <paramref name="path"/>, or null: missing, null (a wave that did not drain) or not a number.</summary>
    public static double? Number(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture)
            : null;

    static JsonNode? At(JsonNode? node, params string[] path)
    {
        foreach (var key in path) node = node is JsonObject json ? json[key] : null;
        return node;
    }

    static IEnumerable<JsonNode> Runs(JsonNode summary) => (At(summary, "cycles", "runs") as JsonArray)?.OfType<JsonNode>() ?? [];

    // An older summary may not name the pull size or the instances: every pull was single then, on one instance.
    static (int Depth, int Graders, int PullSize, int Instances) Key(JsonNode run) =>
        ((int)(Number(run, "depth") ?? 0), (int)(Number(run, "graders") ?? 0), (int)(Number(run, "pullSize") ?? 1), (int)(Number(run, "instances") ?? 1));

    static JsonNode? Run(JsonNode summary, int depth, int graders, int pullSize, int instances) =>
        Runs(summary).FirstOrDefault(run => Key(run) == (depth, graders, pullSize, instances));

    /// <summary>How many instances the summary's load phases ran on (<c>--instances</c>).</summary>
    static int Instances(JsonNode summary) => (int)(Number(summary, "instances") ?? 1);

    static JsonNode? Floor(JsonNode summary, int workers) =>
        (At(summary, "floor", "runs") as JsonArray)?.OfType<JsonNode>().FirstOrDefault(run => Number(run, "workers") == workers);

    static string Graders(int graders) => graders == 1 ? "1 grader" : $"{graders} graders";
}
