using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using XQueue.Bench.Rig;
using XQueue.Functions.Intake;

namespace XQueue.Bench.Phases;

/// <summary>
/// Phase 5. End-to-end latency: the LMS submits (one client, paced at 20/s), one grader polls back to back
/// (no poll interval, so the numbers are the service's and not the grader's) and answers at once, and the
/// LMS listener stamps each callback's arrival. Also split into stages, to show where the time goes.
/// </summary>
public sealed record EndToEnd(LatencySample Total, LatencySample Submit, LatencySample UntilPulled, LatencySample PutResult, LatencySample CallbackAfterPut, int Missing)
{
    const string Queue = "bench-e2e";

    sealed class Timeline
    {
        public DateTimeOffset SubmitStart, SubmitDone, PutStart, PutDone;
    }

    public static async Task<EndToEnd> MeasureAsync(BenchOptions options)
    {
        var count = options.Size(150, 40);
        var pace = TimeSpan.FromMilliseconds(50);
        await using var rig = await BenchRig.StartAsync(options.Topology, [Queue], TimeSpan.FromMinutes(10));
        await WarmUp.RunAsync(rig, Queue);
        var baseline = rig.Lms.Received.Count;

        var timelines = new ConcurrentDictionary<int, Timeline>();
        using var lms = await rig.NewLmsAsync();
        using var grader = await rig.NewGraderAsync();
        using var stop = new CancellationTokenSource();

        var grading = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var pulled = await grader.GetSubmissionAsync(Queue);
                if (pulled is null) continue;
                var timeline = timelines[BenchSubmission.SequenceOf(pulled.Body)];
                timeline.PutStart = DateTimeOffset.UtcNow; // the grader answers at once
                await grader.PutResultAsync(pulled);
                timeline.PutDone = DateTimeOffset.UtcNow;
            }
        });

        var headers = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = pace * i - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due);
            var submission = rig.NewSubmission(Queue);
            var timeline = timelines[submission.Sequence] = new Timeline { SubmitStart = DateTimeOffset.UtcNow };
            headers[submission.Header] = submission.Sequence;
            await lms.SubmitAsync(submission.Header, submission.Body);
            timeline.SubmitDone = DateTimeOffset.UtcNow;
        }
        await rig.WaitForCallbacksAsync(baseline + count, TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await grading;

        LatencySample total = new(), submit = new(), untilPulled = new(), put = new(), callbackAfterPut = new();
        var arrived = rig.Lms.Received.Where(c => headers.ContainsKey(c.Header)).GroupBy(c => c.Header).ToDictionary(g => g.Key, g => g.Min(c => c.At));
        foreach (var (header, seq) in headers)
        {
            if (!arrived.TryGetValue(header, out var at)) continue;
            var t = timelines[seq];
            total.Add((at - t.SubmitStart).TotalMilliseconds);
            submit.Add((t.SubmitDone - t.SubmitStart).TotalMilliseconds);
            untilPulled.Add((t.PutStart - t.SubmitStart).TotalMilliseconds);
            put.Add((t.PutDone - t.PutStart).TotalMilliseconds);
            callbackAfterPut.Add((at - t.PutStart).TotalMilliseconds);
        }
        return new EndToEnd(total, submit, untilPulled, put, callbackAfterPut, count - arrived.Count);
    }

    public string Headline() => $"e2e p50 {Total.P50:F0} ms";

    public JsonObject ToJson() => new()
    {
        ["what"] = "submit -> LMS callback received; 1 LMS client at 20 submits/s, 1 grader polling back to back and answering at once",
        ["endToEndMs"] = Total.ToJson(),
        // Stages overlap: a grader may pull before submit has answered, and delivery may finish before put_result has.
        ["stagesMs"] = new JsonObject
        {
            ["submit"] = Submit.ToJson(),
            ["submitSentUntilPulled"] = UntilPulled.ToJson(),
            ["putResult"] = PutResult.ToJson(),
            ["putSentUntilCallback"] = CallbackAfterPut.ToJson(),
        },
        ["firstPulledMoreThan1sAfterSubmit"] = UntilPulled.CountAbove(1000),
        ["missingCallbacks"] = Missing,
    };
}
