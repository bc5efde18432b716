using System.Diagnostics;
using System.Text.Json.Nodes;
using XQueue.Bench.Rig;

namespace XQueue.Bench;

/// <summary>
/// Runs the selected phases one after another, each into its own section of the summary. A phase that
/// throws leaves its error there and the others still run. Every phase's wall time is recorded, with the
/// load average as it began (other work on the machine shows there) and its HTTP attempts (<see cref="HttpAttempts"/>).
/// A phase may run beside another (the idle graders beside the wave): the summary is written under a lock, and
/// the HTTP attempts of overlapping phases are counted in both.
/// </summary>
public sealed class PhaseRunner(BenchOptions options, JsonObject summary, HttpAttempts http)
{
    readonly JsonObject timings = new();

    public async Task<T?> RunAsync<T>(string name, Func<Task<T>> measure, Func<T, JsonNode> toJson) where T : class
    {
        if (!options.Runs(name)) return null;
        Console.Error.WriteLine($"[bench] {name}…");
        var load = Machine.LoadAverage();
        var httpBefore = http.Snapshot();
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await measure();
            lock (summary) summary[name] = toJson(result);
            return result;
        }
        catch (Exception e)
        {
            lock (summary) summary[name] = new JsonObject { ["error"] = $"{e.GetType().Name}: {e.Message}" };
            Console.Error.WriteLine($"[bench] {name} failed: {e}");
            return null;
        }
        finally
        {
            lock (summary)
            {
                timings[name] = new JsonObject
                {
                    ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
                    ["loadAverageBefore"] = load,
                    ["httpAttempts"] = HttpAttempts.Since(httpBefore, http.Snapshot()),
                };
                summary["phases"] = timings.DeepClone();
            }
            Console.Error.WriteLine($"[bench] {name} done in {clock.Elapsed.TotalSeconds:F1} s");
        }
    }
}
