using System.Diagnostics;
using Xunit.Abstractions;
using XQueue.Functions.Tests.Chaos;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.MultiInstance;

/// <summary>
/// get_queuelen answers the same on every instance at once (design invariant 8): the legacy count is the
/// submissions waiting, that is submitted less held by graders, whichever instances handed them out.
/// </summary>
[Collection(MultiInstanceCollection.Name)]
public sealed class RotatedQueueLengthTests(ITestOutputHelper output)
{
    const int Submitted = 20, Pulled = 7, Answered = 3;

    [Fact]
    public async Task Every_instance_counts_the_pulls_of_the_others_at_once()
    {
        // The default processing delay (a minute): no lease lapses while the test runs.
        await using var rig = await MultiInstanceRig.StartAsync();
        using var lms = rig.NewLmsClient();
        using var watcher = rig.NewWatcher();

        for (var learner = 0; learner < Submitted; learner++)
        {
            var (code, message) = await lms.SubmitAsync(rig.Header(learner, "length", $"length-{learner}"), LegacyText.Body($"print({learner})"));
            Assert.True(code == 0, $"submit {learner} refused: {message}");
        }
        // A first look on every instance, before anything is held (whatever an instance caches, it starts from here).
        var beforePulls = await AskEveryInstanceAsync(rig, watcher);

        var pulls = new List<Pull>();
        for (var i = 0; i < Pulled; i++) pulls.Add(await Pull.NextAsync(watcher) ?? throw new Xunit.Sdk.XunitException($"pull {i + 1} found the queue empty"));
        var pulledOn = rig.Front.RoutesTo("/xqueue/get_submission/").TakeLast(Pulled).Select(r => r.Instance).ToList();
        var afterPulls = await AskEveryInstanceAsync(rig, watcher);

        foreach (var pull in pulls.Take(Answered))
        {
            Assert.Equal("{\"return_code\": 0, \"content\": \"\"}", (await watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, "done")))?.RawBody);
        }
        var answeredOn = rig.Front.RoutesTo("/xqueue/put_result/").TakeLast(Answered).Select(r => r.Instance).ToList();
        var afterResults = await AskEveryInstanceAsync(rig, watcher);

        // For the report only: how long the instances took to agree, when they did not at once.
        var settling = Stopwatch.StartNew();
        var agreed = await Eventually.HoldsAsync(async () => (await AskEveryInstanceAsync(rig, watcher)).All(a => a.Length == Submitted - Pulled),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        var report = $"pulls handed out by instances {string.Join(",", pulledOn)}, results put on {string.Join(",", answeredOn)}; queue length on each instance (#instance=length): " +
                     $"before the pulls {Describe(beforePulls)}, right after {Pulled} pulls {Describe(afterPulls)}, right after {Answered} results {Describe(afterResults)}; " +
                     (agreed ? $"all said {Submitted - Pulled} after {settling.ElapsedMilliseconds} ms more" : "still not all 13 after 10 s more");
        output.WriteLine(report);

        Assert.True(beforePulls.All(a => a.Length == Submitted), report);
        // Waiting = submitted − held, on every instance, at once: 13 after the pulls, and still 13 once some are answered
        // (an answered submission waits no more than a held one).
        Assert.True(afterPulls.All(a => a.Length == Submitted - Pulled) && afterResults.All(a => a.Length == Submitted - Pulled), report);
        rig.AssertNoInternalErrors();
    }

    /// <summary>get_queuelen three times in a row: through the rotation, once on each instance.</summary>
    static async Task<IReadOnlyList<(int Instance, int Length)>> AskEveryInstanceAsync(MultiInstanceRig rig, WatcherClient watcher)
    {
        var answers = new List<(int, int)>();
        for (var i = 0; i < MultiInstanceRig.InstanceCount; i++)
        {
            var reply = await watcher.GetQueueLenAsync(TestService.Queue);
            Assert.True(reply is { ReturnCode: 0 }, $"get_queuelen failed: {reply?.RawBody}");
            answers.Add((rig.LastInstanceFor("/xqueue/get_queuelen/"), reply!.Content.GetInt32()));
        }
        Assert.Equal([0, 1, 2], answers.Select(a => a.Item1).Order());
        return answers;
    }

    static string Describe(IEnumerable<(int Instance, int Length)> answers) => string.Join(" ", answers.Select(a => $"#{a.Instance}={a.Length}"));
}
