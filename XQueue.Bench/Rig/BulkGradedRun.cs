using System.Collections.Concurrent;
using System.Diagnostics;

namespace XQueue.Bench.Rig;

/// <summary>
/// Graders draining one queue with the bulk endpoints: get_submissions for up to N, then one put_results for
/// all of them, until <c>cycles</c> submissions are graded, the queue is empty or the time limit passes.
/// Latencies are per request (a pull or a put of up to N), not per submission.
/// </summary>
public static class BulkGradedRun
{
    public static async Task<GradedRun> RunAsync(BenchRig rig, string queue, int graders, int n, int cycles, TimeSpan limit)
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, graders).Select(_ => rig.NewGraderAsync()));
        LatencySample get = new(), put = new(), batch = new();
        var handedOut = new ConcurrentQueue<long>();
        var remaining = cycles;
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(clients.Select(async grader =>
            {
                while (clock.Elapsed < limit && Volatile.Read(ref remaining) > 0)
                {
                    var start = Stopwatch.GetTimestamp();
                    var pulled = await grader.GetSubmissionsAsync(queue, n);
                    get.AddSince(start);
                    if (pulled.Count == 0) break;
                    foreach (var submission in pulled) handedOut.Enqueue(submission.Id);
                    Interlocked.Add(ref remaining, -pulled.Count);
                    var putStart = Stopwatch.GetTimestamp();
                    await grader.PutResultsAsync(pulled);
                    put.AddSince(putStart);
                    batch.AddSince(start);
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
            PullSize = n,
            Cycles = handedOut.Count,
            Elapsed = elapsed,
            GetSubmission = get,
            PutResult = put,
            Cycle = batch,
            HandedOut = handedOut.ToArray(),
            HitTimeLimit = elapsed >= limit,
        };
    }
}
