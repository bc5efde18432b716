using System.Text.Json.Nodes;
using XQueue.Bench.Rig;
using XQueue.Functions.Intake;

namespace XQueue.Bench.Phases;

/// <summary>
/// Phase 4. Storage calls per graded submission, by endpoint and operation, from the service's own
/// counter (see <see cref="StorageCallMeter"/>). Each endpoint gets its own window: N submits, then N
/// get_submission (held), then N put_result followed by the N deliveries to the LMS (background work).
/// Last, polls of an empty queue, the call graders make most often when idle. The sweep is set to its
/// longest interval so that it stays out of the windows.
/// </summary>
public sealed record StorageCallsPerSubmission(int Submissions, StorageCalls Graded, int EmptyPolls, StorageCalls Empty)
{
    const string Queue = "bench-calls";
    static readonly string[] Endpoints = ["submit", "get_submission", "put_result", StorageCallMeter.Background];

    public static async Task<StorageCallsPerSubmission> MeasureAsync(BenchOptions options)
    {
        var count = options.Size(200, 50);
        const int emptyPolls = 50;
        using var meter = new StorageCallMeter();
        await using var rig = await BenchRig.StartAsync(options.Topology, [Queue], TimeSpan.FromMinutes(10),
            new Dictionary<string, string?> { ["XQueue:Sweep:Interval"] = "01:00:00" }, StorageCallMeter.TagRequests);
        await WarmUp.RunAsync(rig, Queue);

        var lmsClients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => rig.NewLmsAsync()));
        var graders = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => rig.NewGraderAsync()));
        var before = meter.Snapshot();

        var next = 0;
        await Task.WhenAll(lmsClients.Select(async lms =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                var submission = rig.NewSubmission(Queue);
                await lms.SubmitAsync(submission.Header, submission.Body);
            }
        }));

        var pulled = new List<Pulled>[graders.Length];
        var taken = 0;
        await Task.WhenAll(graders.Select(async (grader, g) =>
        {
            pulled[g] = [];
            while (Interlocked.Increment(ref taken) <= count)
                pulled[g].Add(await grader.GetSubmissionAsync(Queue) ?? throw new BenchFailure("the queue ran dry"));
        }));

        var delivered = rig.Lms.Received.Count;
        await Task.WhenAll(graders.Select(async (grader, g) =>
        {
            foreach (var submission in pulled[g]) await grader.PutResultAsync(submission);
        }));
        if (!await rig.WaitForCallbacksAsync(delivered + count, TimeSpan.FromSeconds(60)))
            throw new BenchFailure("not every result reached the LMS within 60 s");
        await Task.Delay(200); // the last delivery's bookkeeping after its POST
        var graded = meter.Snapshot().Minus(before);

        var beforeEmpty = meter.Snapshot();
        for (var i = 0; i < emptyPolls; i++)
        {
            if (await graders[0].GetSubmissionAsync(Queue) is not null) throw new BenchFailure("the queue should be empty");
        }
        var empty = meter.Snapshot().Minus(beforeEmpty);

        foreach (var client in lmsClients) client.Dispose();
        foreach (var client in graders) client.Dispose();
        return new StorageCallsPerSubmission(count, graded, emptyPolls, empty);
    }

    public double PerGradedSubmission => Endpoints.Sum(endpoint => Graded.Total(endpoint)) / (double)Submissions;

    public double Per(string endpoint) => Graded.Total(endpoint) / (double)Submissions;

    public string Headline() =>
        $"storage calls per graded submission {PerGradedSubmission:F1} (submit {Per("submit"):F1}, get_submission {Per("get_submission"):F1}, " +
        $"put_result {Per("put_result"):F1}, delivery {Per(StorageCallMeter.Background):F1})";

    static string Label(string endpoint) => endpoint == StorageCallMeter.Background ? "delivery" : endpoint;

    public JsonObject ToJson()
    {
        var perEndpoint = new JsonObject();
        foreach (var endpoint in Endpoints)
        {
            perEndpoint[Label(endpoint)] = new JsonObject
            {
                ["total"] = Math.Round(Per(endpoint), 2),
                ["operations"] = Operations(Graded, endpoint, Submissions),
            };
        }
        var other = Graded.Endpoints.Except(Endpoints).ToArray();
        return new JsonObject
        {
            ["what"] = $"storage requests counted by the service (xqueue.storage.requests), per submission, over {Submissions} submissions each submitted, pulled, answered and delivered",
            ["perGradedSubmission"] = Math.Round(PerGradedSubmission, 2),
            ["byEndpoint"] = perEndpoint,
            ["otherEndpoints"] = new JsonObject(other.Select(e => KeyValuePair.Create(e, (JsonNode?)Math.Round(Graded.Total(e) / (double)Submissions, 3)))),
            ["emptyPoll"] = new JsonObject
            {
                ["polls"] = EmptyPolls,
                ["perPoll"] = Math.Round(Empty.Total("get_submission") / (double)EmptyPolls, 2),
                ["operations"] = Operations(Empty, "get_submission", EmptyPolls),
            },
        };
    }

    static JsonObject Operations(StorageCalls calls, string endpoint, int per) =>
        new(calls.Operations(endpoint).Select(op => KeyValuePair.Create(op.Key, (JsonNode?)Math.Round(op.Value / (double)per, 3))));
}
