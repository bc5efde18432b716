using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using XQueue.Bench.Rig;
using XQueue.Functions.Intake;

namespace XQueue.Bench.Phases;

/// <summary>
/// Phase 7. An exam deadline: 5,000 submissions arrive in a burst (16 LMS clients at full speed) across three
/// queues while 8 graders (3, 3 and 2 per queue, submissions split in the same proportion) drain them. A grader
/// takes 50–500 ms to grade; 5 % of pulls crash before put_result and are never answered, so those come back
/// after the processing delay (5 s) with a new key. An idle grader polls again after 1 s, as xqueue-watcher does.
/// Measured: time until every result is at the LMS, the longest wait of a submission before its first pull, and
/// what is missing or delivered twice. Bounded: an unfinished wave says so, and still checks what it can — every
/// accepted result reached the LMS exactly once, and no submission was handed out again within its delay.
/// </summary>
public sealed record ExamWave(
    int Submissions, TimeSpan Bound, bool Finished, TimeSpan BurstSubmitted, TimeSpan Drained, double GraderBoundSeconds,
    LatencySample QueueAge, int NeverPulled, TimeSpan OldestUnpulled, int Pulls, int Crashes, int PulledAgainTooSoon,
    int Results, int Delivered, int AnsweredNotDelivered, int DeliveredTwice, int Errors,
    LatencySample GetSubmission, LatencySample PutResult, int EmptyPolls, int DeliveredDuringBurst)
{
    static readonly string[] Queues = ["MITx-6.00x", "HarvardX-CS50x", "UTAustinX-UT.6.01x"];
    static readonly int[] GradersPerQueue = [3, 3, 2];
    const int LmsClients = 16;
    const double CrashRate = 0.05;
    static readonly TimeSpan ProcessingDelay = TimeSpan.FromSeconds(5);
    static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Time for the results accepted just before the bound to reach the LMS.</summary>
    public static readonly TimeSpan DeliveryGrace = TimeSpan.FromSeconds(15);

    sealed class Ledger
    {
        public readonly ConcurrentDictionary<string, int> Headers = new();           // header → sequence
        public readonly ConcurrentDictionary<int, long> Acknowledged = new();        // sequence → submit answered (timestamp)
        public readonly ConcurrentDictionary<int, long> LastPulled = new();          // sequence → latest hand-out (timestamp)
        public readonly ConcurrentDictionary<int, long> FirstPulled = new();         // sequence → first hand-out (timestamp)
        public readonly ConcurrentDictionary<int, bool> Answered = new();            // sequence → put_result accepted
        public readonly LatencySample GetSubmission = new(), PutResult = new();
        public int Pulls, Crashes, PulledAgainTooSoon, Errors, EmptyPolls;
        public long GradingTicks;
    }

    /// <param name="limit">How long the wave may take from the first submission on (5.5 minutes unless the time budget is short).</param>
    public static async Task<ExamWave> MeasureAsync(BenchOptions options, TimeSpan limit)
    {
        var total = options.Size(5000, 600);
        await using var rig = await BenchRig.StartAsync(options.Topology, Queues, ProcessingDelay);
        await WarmUp.RunAsync(rig, Queues[0], 30);

        // Which queue the i-th submission goes to, in proportion to the graders there: 3:3:2.
        var slots = GradersPerQueue.SelectMany((graders, q) => Enumerable.Repeat(q, graders)).ToArray();
        var ledger = new Ledger();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(limit);

        var burst = BurstAsync(rig, ledger, slots, total, stop.Token);
        var graders = slots.Select(q => GradeAsync(rig, ledger, Queues[q], stop.Token)).ToArray();
        await burst;
        var burstSubmitted = clock.Elapsed;
        var deliveredDuringBurst = DeliveredCount(rig, ledger);
        var finished = await AllDeliveredAsync(rig, ledger, total, stop.Token);
        var drained = clock.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(graders);

        // Whatever was accepted before the bound must still arrive, once.
        await WaitForAnsweredAsync(rig, ledger, DeliveryGrace);
        await Task.Delay(500); // a second delivery of the same result would arrive about now
        var end = Stopwatch.GetTimestamp();

        var queueAge = new LatencySample();
        var oldestUnpulled = TimeSpan.Zero;
        foreach (var (seq, acked) in ledger.Acknowledged)
        {
            if (ledger.FirstPulled.TryGetValue(seq, out var pulled)) queueAge.Add(Stopwatch.GetElapsedTime(acked, pulled).TotalMilliseconds);
            else if (Stopwatch.GetElapsedTime(acked, end) is var waiting && waiting > oldestUnpulled) oldestUnpulled = waiting;
        }
        var callbacks = rig.Lms.Received.Where(c => ledger.Headers.ContainsKey(c.Header)).ToArray();
        var delivered = callbacks.Select(c => ledger.Headers[c.Header]).ToHashSet();
        return new ExamWave(
            total, limit, finished, burstSubmitted, drained, TimeSpan.FromTicks(ledger.GradingTicks).TotalSeconds / slots.Length,
            queueAge, ledger.Acknowledged.Count - queueAge.Count, oldestUnpulled, ledger.Pulls, ledger.Crashes, ledger.PulledAgainTooSoon,
            ledger.Answered.Count, delivered.Count, ledger.Answered.Keys.Count(seq => !delivered.Contains(seq)),
            callbacks.Length - delivered.Count, ledger.Errors, ledger.GetSubmission, ledger.PutResult, ledger.EmptyPolls, deliveredDuringBurst);
    }

    static Task BurstAsync(BenchRig rig, Ledger ledger, int[] slots, int total, CancellationToken stop)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, LmsClients).Select(async _ =>
        {
            using var lms = await rig.NewLmsAsync();
            int i;
            while ((i = Interlocked.Increment(ref next)) < total && !stop.IsCancellationRequested)
            {
                var submission = rig.NewSubmission(Queues[slots[i % slots.Length]]);
                ledger.Headers[submission.Header] = submission.Sequence;
                try
                {
                    await lms.SubmitAsync(submission.Header, submission.Body);
                    ledger.Acknowledged[submission.Sequence] = Stopwatch.GetTimestamp();
                }
                catch (Exception e) when (e is BenchFailure or HttpRequestException)
                {
                    Interlocked.Increment(ref ledger.Errors);
                }
            }
        }));
    }

    static async Task GradeAsync(BenchRig rig, Ledger ledger, string queue, CancellationToken stop)
    {
        using var grader = await rig.NewGraderAsync();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var start = Stopwatch.GetTimestamp();
                var pulled = await grader.GetSubmissionAsync(queue);
                ledger.GetSubmission.AddSince(start);
                if (pulled is null)
                {
                    Interlocked.Increment(ref ledger.EmptyPolls);
                    await Task.Delay(PollInterval, stop);
                    continue;
                }
                var now = Stopwatch.GetTimestamp();
                var seq = BenchSubmission.SequenceOf(pulled.Body);
                Interlocked.Increment(ref ledger.Pulls);
                ledger.FirstPulled.TryAdd(seq, now);
                if (ledger.LastPulled.TryGetValue(seq, out var previous) && Stopwatch.GetElapsedTime(previous, now) < ProcessingDelay)
                    Interlocked.Increment(ref ledger.PulledAgainTooSoon);
                ledger.LastPulled[seq] = now;

                var grading = TimeSpan.FromMilliseconds(Random.Shared.Next(50, 501));
                Interlocked.Add(ref ledger.GradingTicks, grading.Ticks);
                await Task.Delay(grading, stop);
                if (Random.Shared.NextDouble() < CrashRate)
                {
                    Interlocked.Increment(ref ledger.Crashes); // never answered: it comes back after the processing delay
                    continue;
                }
                var putStart = Stopwatch.GetTimestamp();
                await grader.PutResultAsync(pulled);
                ledger.PutResult.AddSince(putStart);
                ledger.Answered[seq] = true;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is BenchFailure or HttpRequestException)
            {
                Interlocked.Increment(ref ledger.Errors);
            }
        }
    }

    static async Task<bool> AllDeliveredAsync(BenchRig rig, Ledger ledger, int total, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (DeliveredCount(rig, ledger) >= total) return true;
            await Task.Delay(100);
        }
        return false;
    }

    static async Task WaitForAnsweredAsync(BenchRig rig, Ledger ledger, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout && DeliveredCount(rig, ledger) < ledger.Answered.Count) await Task.Delay(100);
    }

    static int DeliveredCount(BenchRig rig, Ledger ledger) =>
        rig.Lms.Received.Select(c => c.Header).Where(ledger.Headers.ContainsKey).Distinct().Count();

    public string Headline() => Finished
        ? $"wave {Submissions:N0} drained in {Drained.TotalSeconds:F0} s, {Submissions - Delivered} missing"
        : $"wave {Submissions:N0} NOT drained within {Bound.TotalSeconds:F0} s ({Delivered:N0} delivered, {AnsweredNotDelivered} accepted but lost)";

    public JsonObject ToJson() => new()
    {
        ["what"] = $"{Submissions:N0} submissions in a burst (16 LMS clients) over 3 queues; 8 graders (3/3/2) taking 50-500 ms, 5 % of pulls crash unanswered; processing delay 5 s; idle poll every 1 s",
        ["submissions"] = Submissions,
        ["boundSeconds"] = Math.Round(Bound.TotalSeconds),
        ["finished"] = Finished,
        ["burstSubmittedSeconds"] = Math.Round(BurstSubmitted.TotalSeconds, 1),
        ["deliveredDuringBurst"] = DeliveredDuringBurst,
        ["drainedSeconds"] = Finished ? Math.Round(Drained.TotalSeconds, 1) : null,
        ["graderBoundSeconds"] = Math.Round(GraderBoundSeconds, 1),
        ["deliveredToLms"] = Delivered,
        ["notDeliveredAtEnd"] = Submissions - Delivered,
        ["deliveredPerSecond"] = Math.Round(Delivered / Drained.TotalSeconds, 1),
        ["maxQueueAgeSeconds"] = Math.Round(QueueAge.Percentile(100) / 1000, 1),
        ["queueAgeSeconds"] = new JsonObject
        {
            ["p50"] = Math.Round(QueueAge.P50 / 1000, 1),
            ["p95"] = Math.Round(QueueAge.Percentile(95) / 1000, 1),
        },
        ["neverPulled"] = NeverPulled,
        ["oldestNeverPulledWaitedSeconds"] = NeverPulled > 0 ? Math.Round(OldestUnpulled.TotalSeconds, 1) : null,
        ["pulls"] = Pulls,
        ["crashedPulls"] = Crashes,
        ["emptyPolls"] = EmptyPolls,
        ["getSubmissionMs"] = GetSubmission.ToJson(),
        ["putResultMs"] = PutResult.ToJson(),
        ["handedOutAgainWithinProcessingDelay"] = PulledAgainTooSoon,
        ["resultsAccepted"] = Results,
        ["acceptedButNotDelivered"] = AnsweredNotDelivered,
        ["deliveredMoreThanOnce"] = DeliveredTwice,
        ["clientErrors"] = Errors,
    };
}
