using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using XQueue.Bench.Rig;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Bench.Phases;

/// <summary>
/// Opt-in phase <c>dashboard</c> (not in the default run: filling takes minutes). Writes 100,000 submissions
/// straight into storage through the service's own store (spread over the last six days, 95 % retired,
/// 3 % failed with their failed-index rows, 1 % pending, 1 % pulled), then times each dashboard view over
/// HTTP as an admin, several times, and counts the storage calls one view makes. One instance whatever
/// <c>--instances</c> says: a view is one request to one instance (its storage latency still applies).
/// </summary>
public sealed partial record DashboardViews(int Submissions, double FillSeconds, IReadOnlyList<DashboardViews.View> Views)
{
    public sealed record View(string Name, string Path, double MedianMs, double MaxMs, long StorageCalls, IReadOnlyDictionary<string, long> Operations);

    const string Admin = "ops";
    const string Password = "ops-bench-password";
    static readonly string[] Queues = ["bench-a", "bench-b"];

    public static async Task<DashboardViews> MeasureAsync(BenchOptions options)
    {
        var count = options.Size(100_000, 5_000);
        var repeats = options.Size(7, 3);
        using var meter = new StorageCallMeter();
        await using var rig = await BenchRig.StartAsync(options.Topology.OneInstance, Queues, TimeSpan.FromMinutes(1), new Dictionary<string, string?>
        {
            [$"XQueue:Users:{Admin}:Password"] = Password,
            [$"XQueue:Users:{Admin}:Roles"] = "admin",
            ["XQueue:Sweep:Interval"] = "01:00:00",
        }, StorageCallMeter.TagRequests);

        var fill = Stopwatch.StartNew();
        var sample = await FillAsync(rig, count);
        fill.Stop();
        Console.Error.WriteLine($"[bench] dashboard: {count} submissions stored in {fill.Elapsed.TotalSeconds:F0} s");

        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = rig.Service.BaseAddress };
        await LogInAsync(http);
        (string Name, string Path)[] views =
        [
            ("overview (page)", "/xqueue/dashboard/"),
            ("overview (refresh JSON)", "/xqueue/dashboard/api/overview"),
            ("failed list, first page", "/xqueue/dashboard/submissions?status=failed"),
            ("lookup by id", $"/xqueue/dashboard/submissions?q={sample.Old}"),
            ("submission detail", $"/xqueue/dashboard/submissions/{sample.Old}"),
            ("all submissions, first page", "/xqueue/dashboard/submissions"),
            ("pending of one queue, first page", $"/xqueue/dashboard/submissions?status=pending&queue={Queues[0]}"),
            ("search, a recent learner", $"/xqueue/dashboard/submissions?q={sample.RecentLearner}"),
            ("search, no match (bounded by its time budget)", "/xqueue/dashboard/submissions?q=no-such-learner"),
        ];
        var measured = new List<View>();
        foreach (var (name, path) in views)
        {
            var times = new List<double>();
            StorageCalls? calls = null;
            for (var i = 0; i < repeats; i++)
            {
                var before = meter.Snapshot();
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync(path);
                await response.Content.ReadAsStringAsync();
                times.Add(clock.Elapsed.TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK) throw new BenchFailure($"{path} answered {(int)response.StatusCode}");
                calls ??= meter.Snapshot().Minus(before);
            }
            var endpoints = calls!.Endpoints.Where(e => e.StartsWith("dashboard", StringComparison.Ordinal)).ToArray();
            var operations = endpoints.SelectMany(e => calls.Operations(e)).GroupBy(op => op.Key).ToDictionary(g => g.Key, g => g.Sum(op => op.Value));
            times.Sort();
            measured.Add(new View(name, path, Math.Round(times[times.Count / 2], 1), Math.Round(times[^1], 1), operations.Values.Sum(), operations));
        }
        return new DashboardViews(count, Math.Round(fill.Elapsed.TotalSeconds, 1), measured);
    }

    sealed record Sample(long Old, string RecentLearner);

    static async Task<Sample> FillAsync(BenchRig rig, int count)
    {
        var store = rig.Service.Get<SubmissionStore>();
        var failed = rig.Service.Get<FailedIndex>();
        var now = DateTimeOffset.UtcNow;
        var remaining = count;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Decrement(ref remaining)) >= 0)
            {
                var submission = Make(rig, n, Received(now, n, count));
                if (await store.TryInsertAsync(submission) is null) throw new BenchFailure($"id {submission.Id} taken twice");
                if (submission.Status == SubmissionStatus.Failed) await failed.AddAsync(submission, submission.StatusAt);
            }
        }));
        return new Sample(Id(Received(now, count / 2, count)), "anon-bench-3");
    }

    // n = 0 is the newest; every submission has a millisecond of its own (seconds apart), so the id is known.
    static DateTimeOffset Received(DateTimeOffset now, int n, int count) =>
        now - TimeSpan.FromMinutes(1) - TimeSpan.FromMilliseconds(Math.Floor(6 * 86_400_000.0 * n / count));

    static long Id(DateTimeOffset received) => SubmissionId.FloorAt(received) + 1;

    static Submission Make(BenchRig rig, int n, DateTimeOffset received)
    {
        var status = (n % 100) switch { < 95 => SubmissionStatus.Retired, < 98 => SubmissionStatus.Failed, 98 => SubmissionStatus.Pending, _ => SubmissionStatus.Pulled };
        var body = LegacyText.Body($"def answer(x):\n    return x * {n}\n", $"ps{n % 7}/grade.py").Replace("anon-1", $"anon-bench-{n}");
        return new Submission
        {
            Id = Id(received),
            Queue = Queues[n % Queues.Length],
            Status = status,
            Header = LegacyText.Header(rig.Lms.CallbackUrl(n, $"p{n % 50}"), $"key-{n}", Queues[n % Queues.Length]),
            CallbackUrl = rig.Lms.CallbackUrl(n, $"p{n % 50}"),
            Body = new StoredText(body, null),
            Pulls = status == SubmissionStatus.Failed ? 4 : 1,
            RetireReason = status == SubmissionStatus.Retired ? RetireReason.Graded : status == SubmissionStatus.Failed ? RetireReason.Failed : null,
            Reply = status.IsFinished() ? new StoredText("{\"correct\": true, \"score\": 1, \"msg\": \"ok\"}", null) : null,
            ReplyVersion = status.IsFinished() ? 1 : 0,
            Delivery = status.IsFinished() ? DeliveryState.Delivered : DeliveryState.None,
            ReceivedAt = received,
            StatusAt = received.AddMinutes(5),
            FinishedAt = status.IsFinished() ? received.AddMinutes(5) : null,
        };
    }

    static async Task LogInAsync(HttpClient http)
    {
        var form = await http.GetStringAsync("/xqueue/dashboard/login");
        var token = WebUtility.HtmlDecode(TokenPattern().Match(form).Groups[1].Value);
        using var login = await http.PostAsync("/xqueue/dashboard/login", new FormUrlEncodedContent(
            [new("username", Admin), new("password", Password), new("next", "/xqueue/dashboard/"), new("__RequestVerificationToken", token)]));
        if (login.StatusCode != HttpStatusCode.Redirect) throw new BenchFailure($"dashboard login answered {(int)login.StatusCode}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public string Headline() =>
        $"dashboard with {Submissions:N0} submissions: " + string.Join(", ", Views.Take(5).Select(v => $"{v.Name} {v.MedianMs:F0} ms/{v.StorageCalls} calls"));

    public JsonObject ToJson() => new()
    {
        ["what"] = "median and max of each dashboard view over HTTP as an admin, and the storage calls one view made, with the submissions written straight into storage",
        ["submissions"] = Submissions,
        ["fillSeconds"] = FillSeconds,
        ["views"] = new JsonArray([.. Views.Select(v => (JsonNode)new JsonObject
        {
            ["view"] = v.Name, ["path"] = v.Path, ["medianMs"] = v.MedianMs, ["maxMs"] = v.MaxMs, ["storageCalls"] = v.StorageCalls,
            ["operations"] = new JsonObject(v.Operations.Select(op => KeyValuePair.Create(op.Key, (JsonNode?)op.Value))),
        })]),
    };
}
