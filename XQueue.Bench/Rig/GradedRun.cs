using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace XQueue.Bench.Rig;

/// <summary>
/// Graders draining one queue as xqueue-watcher does (get_submission, then put_result at once), or in bulk
/// (get_submissions, then one put_results), until <c>cycles</c> submissions are graded, the queue is empty or
/// the time limit passes.
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

    /// <summary>Submissions asked for per pull: 1 for get_submission, N for get_submissions.</summary>
    public int PullSize { get; init; } = 1;

    public double CyclesPerSecond => Cycles / Elapsed.TotalSeconds;

    /// <param name="pullSize">1: get_submission and put_result per submission; more: get_submissions for up to that
    /// many, then one put_results for them (latencies are then per request, not per submission).</param>
    public static async Task<GradedRun> RunAsync(BenchRig rig, string queue, int graders, int cycles, TimeSpan limit, int pullSize = 1)
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
                while (clock.Elapsed < limit && Reserve(ref remaining, pullSize) is var wanted and > 0)
                {
                    var start = Stopwatch.GetTimestamp();
                    var pulled = await PullAsync(grader, queue, wanted);
                    get.AddSince(start);
                    Interlocked.Add(ref remaining, wanted - pulled.Count); // what the queue did not have
                    if (pulled.Count == 0) break;
                    foreach (var submission in pulled) handedOut.Enqueue(submission.Id);
                    var putStart = Stopwatch.GetTimestamp();
                    await AnswerAsync(grader, pulled, pullSize);
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
            PullSize = pullSize,
            Cycles = handedOut.Count,
            Elapsed = elapsed,
            GetSubmission = get,
            PutResult = put,
            Cycle = cycle,
            HandedOut = handedOut.ToArray(),
            HitTimeLimit = elapsed >= limit,
        };
    }

    // Takes up to pullSize of the cycles left, so that concurrent graders never grade more than asked for.
    static int Reserve(ref int remaining, int pullSize)
    {
        while (true)
        {
            var left = Volatile.Read(ref remaining);
            var take = Math.Min(left, pullSize);
            if (take <= 0) return 0;
            if (Interlocked.CompareExchange(ref remaining, left - take, left) == left) return take;
        }
    }

    static async Task<IReadOnlyList<Pulled>> PullAsync(GraderSimulator grader, string queue, int n) =>
        n == 1 ? (await grader.GetSubmissionAsync(queue) is { } one ? [one] : []) : await grader.GetSubmissionsAsync(queue, n);

    static Task AnswerAsync(GraderSimulator grader, IReadOnlyList<Pulled> pulled, int pullSize) =>
        pullSize == 1 ? grader.PutResultAsync(pulled[0]) : grader.PutResultsAsync(pulled);

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
