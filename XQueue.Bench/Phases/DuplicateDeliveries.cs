using System.Text.Json.Nodes;
using XQueue.Bench.Rig;

namespace XQueue.Bench.Phases;

/// <summary>
/// Phase 3. Four graders drain a queue as fast as they can, with a processing delay (10 min) far longer than
/// the phase: a submission handed out twice, or a result the LMS receives twice, is a duplicate. Both must be 0.
/// </summary>
public sealed record DuplicateDeliveries(int Submitted, int HandedOut, int HandedOutTwice, int Callbacks, int CallbackDuplicates, int Missing, double Seconds)
{
    const string Queue = "bench-duplicates";

    public static async Task<DuplicateDeliveries> MeasureAsync(BenchOptions options)
    {
        var count = options.Size(400, 200);
        await using var rig = await BenchRig.StartAsync(options.Topology, [Queue], TimeSpan.FromMinutes(10));
        await rig.PrefillAsync(Queue, count);
        // Graders keep pulling past the count: an extra submission handed out would show up here too.
        var graded = await GradedRun.RunAsync(rig, Queue, graders: 4, cycles: count * 2, options.Seconds(90, 30));
        await rig.WaitForCallbacksAsync(count, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1)); // a late second callback would arrive about now

        var callbacks = rig.Lms.Received.ToArray();
        var perSubmission = callbacks.GroupBy(c => c.Header).ToArray();
        return new DuplicateDeliveries(
            count,
            graded.HandedOut.Count,
            graded.HandedOut.GroupBy(id => id).Count(g => g.Count() > 1),
            callbacks.Length,
            perSubmission.Sum(g => g.Count() - 1),
            count - perSubmission.Length,
            graded.Elapsed.TotalSeconds);
    }

    public int Duplicates => HandedOutTwice + CallbackDuplicates;

    public string Headline() => $"duplicates {Duplicates}";

    public JsonObject ToJson() => new()
    {
        ["what"] = "4 graders draining as fast as they can, processing delay 10 min (longer than the phase)",
        ["submitted"] = Submitted,
        ["handedOut"] = HandedOut,
        ["handedOutTwice"] = HandedOutTwice,
        ["callbacks"] = Callbacks,
        ["resultsDeliveredMoreThanOnce"] = CallbackDuplicates,
        ["missingCallbacks"] = Missing,
        ["seconds"] = Math.Round(Seconds, 2),
    };
}
