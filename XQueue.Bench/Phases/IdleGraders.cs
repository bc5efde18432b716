using System.Diagnostics;
using System.Text.Json.Nodes;
using XQueue.Bench.Rig;
using XQueue.Functions.Handouts;

namespace XQueue.Bench.Phases;

/// <summary>
/// What an idle grader costs: two graders watch two empty queues side by side for the same time, one as
/// xqueue-watcher does (get_submission, and a second's sleep after each "empty"), one long-polling
/// (get_submission with <c>wait=20</c>, again at once after each empty answer). The service's own storage-call
/// counter files their calls apart (<see cref="StorageCallMeter"/> names a request with <c>wait</c> separately);
/// both are scaled to an hour. The sweep is set to its longest interval so that it stays out of the count.
/// The phase runs beside the exam wave (see Program.cs): counts of calls do not depend on the machine's load.
/// </summary>
public sealed record IdleGraders(double Seconds, IdleGraders.Grader Polling, IdleGraders.Grader LongPolling)
{
    const string PollQueue = "bench-idle-poll";
    const string WaitQueue = "bench-idle-wait";

    public sealed record Grader(string How, int Requests, long StorageCalls, IReadOnlyDictionary<string, long> Operations, double Seconds)
    {
        public double RequestsPerHour => Requests / Seconds * 3600;
        public double CallsPerHour => StorageCalls / Seconds * 3600;

        public JsonObject ToJson() => new()
        {
            ["how"] = How,
            ["requests"] = Requests,
            ["storageCalls"] = StorageCalls,
            ["operations"] = new JsonObject(Operations.Select(op => KeyValuePair.Create(op.Key, (JsonNode?)op.Value))),
            ["requestsPerHour"] = Math.Round(RequestsPerHour),
            ["storageCallsPerHour"] = Math.Round(CallsPerHour),
        };
    }

    public static async Task<IdleGraders> MeasureAsync(BenchOptions options)
    {
        var duration = options.Seconds(120, 12);
        var wait = options.Quick ? 4.0 : 20.0;
        using var meter = new StorageCallMeter();
        await using var rig = await BenchRig.StartAsync(options.Topology, [PollQueue, WaitQueue], TimeSpan.FromMinutes(10),
            new Dictionary<string, string?> { ["XQueue:Sweep:Interval"] = "01:00:00" }, StorageCallMeter.TagRequests);
        await WarmUp.RunAsync(rig, PollQueue);
        await WarmUp.RunAsync(rig, WaitQueue);
        using var poller = await rig.NewGraderAsync();
        using var waiter = await rig.NewGraderAsync();
        await poller.GetSubmissionAsync(PollQueue); // logged in and connected before the count starts
        await waiter.GetSubmissionAsync(WaitQueue, 0);

        var before = meter.Snapshot();
        var clock = Stopwatch.StartNew();
        int polls = 0, waits = 0;
        await Task.WhenAll(
            Task.Run(async () =>
            {
                while (clock.Elapsed < duration)
                {
                    polls++;
                    if (await poller.GetSubmissionAsync(PollQueue) is not null) throw new BenchFailure("the idle queue had work");
                    await Task.Delay(TimeSpan.FromSeconds(1)); // xqueue-watcher's POLL_INTERVAL after "empty"
                }
            }),
            Task.Run(async () =>
            {
                while (clock.Elapsed < duration)
                {
                    waits++;
                    if (await waiter.GetSubmissionAsync(WaitQueue, wait) is not null) throw new BenchFailure("the idle queue had work");
                }
            }));
        var seconds = clock.Elapsed.TotalSeconds;
        var calls = meter.Snapshot().Minus(before);
        return new IdleGraders(seconds,
            new Grader("get_submission, 1 s sleep after each empty answer (xqueue-watcher)", polls,
                calls.Total("get_submission"), calls.Operations("get_submission"), seconds),
            new Grader($"get_submission?wait={wait} again at once", waits,
                calls.Total(StorageCallMeter.LongPoll), calls.Operations(StorageCallMeter.LongPoll), seconds));
    }

    public string Headline() =>
        $"idle grader storage calls/hour {Polling.CallsPerHour:N0} polling, {LongPolling.CallsPerHour:N0} long-polling";

    public JsonObject ToJson() => new()
    {
        ["what"] = "one grader on an empty queue, storage calls made by its requests (counted by the service), scaled to an hour",
        ["seconds"] = Math.Round(Seconds, 1),
        ["polling"] = Polling.ToJson(),
        ["longPolling"] = LongPolling.ToJson(),
    };
}
