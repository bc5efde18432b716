using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace XQueue.Bench.Rig;

/// <summary>
/// Graders draining one queue as xqueue-watcher does (get_submission, then put_result at once), until
/// <c>cycles</c> submissions are graded, the queue is empty or the time limit passes.
/// </summary>
public sealed class GradedRun
{
    public required int Graders { get; init; }
    public required int Cycles { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required LatencySample GetSubmission { get; init; }
    public required LatencySample PutResult { get; init; }
    public required LatencySample Cycle { get; init; }
    public required IReadOnlyList<long> HandedOut { get; init; }
    public required bool HitTimeLimit { get; init; }

    /// <summary>Submissions asked for per pull: 1 for get_submission, N for get_submissions (see <see cref="BulkGradedRun"/>).</summary>
    public int PullSize { get; init; } = 1;

    public double CyclesPerSecond => Cycles / Elapsed.TotalSeconds;

    public static async Task<GradedRun> RunAsync(BenchRig rig, string queue, int graders, int cycles, TimeSpan limit)
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, graders).Select(_ => rig.NewGraderAsync()));
        LatencySample get = new(), put = new(), cycle = new();
        var handedOut = new ConcurrentQueue<long>();
        var remaining = cycles;
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(clients.Select(async grader =>
            {
                while (clock.Elapsed < limit && Interlocked.Decrement(ref remaining) >= 0)
                {
                    var start = Stopwatch.GetTimestamp();
                    var pulled = await grader.GetSubmissionAsync(queue);
                    get.AddSince(start);
                    if (pulled is null) break;
                    handedOut.Enqueue(pulled.Id);
                    var putStart = Stopwatch.GetTimestamp();
                    await grader.PutResultAsync(pulled);
                    put.AddSince(putStart);
                    cycle.AddSince(start);
                }
            }));
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
        var elapsed = clock.Elapsed;
        return new GradedRun
        {
            Graders = graders,
            Cycles = cycle.Count,
            Elapsed = elapsed,
            GetSubmission = get,
            PutResult = put,
            Cycle = cycle,
            HandedOut = handedOut.ToArray(),
            HitTimeLimit = elapsed >= limit,
        };
    }

    public JsonObject ToJson() => new()
    {
        ["graders"] = Graders,
        ["pullSize"] = PullSize,
        ["cycles"] = Cycles,
        ["seconds"] = Math.Round(Elapsed.TotalSeconds, 2),
        ["cyclesPerSecond"] = Math.Round(CyclesPerSecond, 1),
        ["hitTimeLimit"] = HitTimeLimit,
        ["getSubmissionMs"] = GetSubmission.ToJson(),
        ["putResultMs"] = PutResult.ToJson(),
        ["cycleMs"] = Cycle.ToJson(),
    };
}
