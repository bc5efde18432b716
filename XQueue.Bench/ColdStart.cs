using System.Diagnostics;
using System.Text.Json.Nodes;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Bench;

/// <summary>
/// Cold start of the published app standalone (Kestrel on --urls): process start → first 200 on
/// /xqueue/status/ (start-up includes creating or finding every queue, table and container and seeding
/// users). Self-contained linux-x64 publishes: by default a plain one (only the runtime pack's own assemblies
/// precompiled), because it builds in about a minute; <c>--coldstart plain,r2r,composite</c> adds ReadyToRun (the
/// app and its packages precompiled too) and composite ReadyToRun (app and framework in one image, what the
/// package ships), whose framework compilation takes about five minutes on a clean clone.
/// </summary>
public sealed record ColdStart(IReadOnlyList<(string Variant, Sample Times)> Variants)
{
    public static async Task<ColdStart> MeasureAsync(IReadOnlyList<string> variants, int runs)
    {
        var azurite = await Azurite.Shared;
        var handlers = new List<string>();
        foreach (var variant in variants) handlers.Add(await Publish.HandlerAsync(variant));
        var prefix = Azurite.NewPrefix();
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["XQueue__StoragePrefix"] = prefix,
            ["XQueue__QueuesJson"] = "{\"test-pull\": {}, \"MITx-6.00x\": {}}",
            ["XQueue__Users__lms__Password"] = "bench-password",
            ["XQueue__Users__lms__Roles"] = "submit",
        };
        await TimeOneStartAsync(handlers[0], settings); // the first start creates the storage; later ones find it, as in Azure

        var times = handlers.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < runs; i++) // interleaved, so drift on the machine hits every variant alike
        {
            for (var v = 0; v < handlers.Count; v++) times[v].Add(await TimeOneStartAsync(handlers[v], settings));
        }
        return new ColdStart(variants.Select((variant, v) => (variant, new Sample(times[v]))).ToArray());
    }

    static async Task<double> TimeOneStartAsync(string executable, IReadOnlyDictionary<string, string> settings)
    {
        var clock = Stopwatch.StartNew();
        using var handler = HandlerProcess.StartStandalone(executable, settings, HandlerProcess.FreeLoopbackPort());
        await handler.WaitUntilAnsweringAsync("/xqueue/status/", TimeSpan.FromSeconds(30));
        return clock.Elapsed.TotalMilliseconds;
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["what"] = "process start -> first 200 on /xqueue/status/, linux-x64 publishes standalone, against Azurite" };
        foreach (var (variant, times) in Variants) json[variant + "Ms"] = times.ToJson();
        return json;
    }

    public string Headline() =>
        $"cold start (median of {Variants[0].Times.Values.Count}): " +
        string.Join(", ", Variants.Select(v => $"{Publish.Describe(v.Variant)} {v.Times.Median:F0} ms"));
}

public sealed record Sample(IReadOnlyList<double> Values)
{
    public double Median => Values.Order().ElementAt(Values.Count / 2);

    public JsonObject ToJson() => new()
    {
        ["median"] = Math.Round(Median, 1),
        ["min"] = Math.Round(Values.Min(), 1),
        ["max"] = Math.Round(Values.Max(), 1),
    };
}
