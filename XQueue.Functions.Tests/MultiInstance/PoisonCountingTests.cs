using System.Text.Json;
using Xunit.Abstractions;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Chaos;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.MultiInstance;

/// <summary>
/// The poison rule with the default <c>XQueue:MaxFailures</c> (3) on three instances killed and restarted: it counts
/// only pulls a grader was handed. Submissions that wait while instances die again and again and graders work on
/// another queue are never failed; one handed out MaxFailures + 1 times and never answered is, and the LMS hears so.
/// </summary>
[Collection(MultiInstanceCollection.Name)]
public sealed class PoisonCountingTests(ITestOutputHelper output)
{
    const int MaxFailures = 3, Kills = 4, Waiting = 3;
    static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);
    static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(2);
    // How long an accepted result stays hidden before others may take it over (2 × delivery timeout + 10 s): the waiting
    // lasts longer than that, so whatever the instances do about abandoned results has run meanwhile.
    static readonly TimeSpan ResultLease = DeliveryTimeout * 2 + TimeSpan.FromSeconds(10);
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    static Task<MultiInstanceRig> StartAsync() => MultiInstanceRig.StartAsync(new Dictionary<string, string>
    {
        ["XQueue:ProcessingDelay"] = Delay.ToString(),
        ["XQueue:Delivery:Timeout"] = DeliveryTimeout.ToString(),
    });

    [Fact]
    public async Task Submissions_no_grader_saw_are_not_failed_however_often_instances_die_while_they_wait()
    {
        await using var rig = await StartAsync();
        using var lms = rig.NewLmsClient();
        var codes = Enumerable.Range(0, Waiting).Select(learner => $"waits-{learner}").ToList();
        var waiting = codes.Select((code, learner) => rig.Header(learner, "waits", code)).ToList();
        foreach (var (header, code) in waiting.Zip(codes)) Assert.Equal(0, (await lms.SubmitAsync(header, LegacyText.Body(code))).Code);
        var waitingSince = DateTime.UtcNow;

        // Two graders poll the other queue through the rotation (mostly empty pulls), while one instance after
        // another is killed with SIGKILL and started again; each round also has work on the other queue graded.
        using var stop = new CancellationTokenSource();
        var graders = Enumerable.Range(0, 2).Select(_ => Task.Run(() => GradeOtherQueueAsync(rig, stop.Token))).ToList();
        for (var kill = 0; kill < Kills || DateTime.UtcNow - waitingSince < ResultLease + TimeSpan.FromSeconds(2); kill++)
        {
            var header = rig.Header(100 + kill, "other", $"other-{kill}", MultiInstanceRig.OtherQueue);
            Assert.Equal(0, (await lms.SubmitAsync(header, LegacyText.Body("print('other')"))).Code);
            Assert.True(await Eventually.HoldsAsync(() => rig.Lms.Received.Any(r => r.Header == header), Bound), $"other-{kill} was not graded: {rig.Describe()}");
            rig.Instances.KillHard(kill % MultiInstanceRig.InstanceCount);
            await rig.Instances.RestartAsync(kill % MultiInstanceRig.InstanceCount);
        }
        stop.Cancel();
        await Task.WhenAll(graders);

        // Now a grader asks the waiting queue: each waiting submission is handed out (its first pull), none failed.
        using var watcher = rig.NewWatcher();
        var failureNotices = rig.Lms.Received.Count(r => r.Body == FailureNotice.Body);
        var handed = new List<string>();
        for (var i = 0; i < Waiting; i++)
        {
            var pull = await Pull.NextAsync(watcher);
            Assert.True(pull is not null, $"pull {i + 1} of {Waiting} found the queue empty: a waiting submission was failed. {rig.Describe()}");
            handed.Add(JsonDocument.Parse(pull!.Body).RootElement.GetProperty("student_response").GetString()!);
            Assert.Equal("{\"return_code\": 0, \"content\": \"\"}", (await watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "graded at last")))?.RawBody);
        }
        Assert.True(await Eventually.HoldsAsync(() => waiting.All(h => rig.Lms.Received.Any(r => r.Header == h)), Bound), "the waiting submissions' results did not arrive");

        output.WriteLine($"waited {(DateTime.UtcNow - waitingSince).TotalSeconds:F1} s; {rig.Describe()}");
        Assert.Equal(0, failureNotices);
        Assert.Equal(codes, handed.Order());
        foreach (var header in waiting) Assert.Equal(Pull.Result(true, 1, "graded at last"), Assert.Single(rig.Lms.Received, r => r.Header == header).Body);
        rig.AssertNoInternalErrors();
    }

    [Fact]
    public async Task A_submission_handed_out_MaxFailures_plus_one_times_unanswered_is_failed_across_restarts_and_the_lms_is_told()
    {
        await using var rig = await StartAsync();
        using var lms = rig.NewLmsClient();
        using var watcher = rig.NewWatcher();
        var header = rig.Header(1, "poison", "poison-1");
        Assert.Equal(0, (await lms.SubmitAsync(header, LegacyText.Body("while True: pass"))).Code);

        // The grader crashes on it every time: each pull unanswered, handed out again once its lease lapses, pulls
        // through the rotation (which instance answers a given hand-out depends on the polls between: it may be the
        // same one each time), the second pull's instance killed and restarted before the third.
        var handouts = new List<(Pull Pull, int Instance)>();
        for (var pull = 1; pull <= MaxFailures + 1; pull++)
        {
            Pull? next = null;
            Assert.True(await Eventually.HoldsAsync(async () => (next = await Pull.NextAsync(watcher)) is not null, Delay + Bound, TimeSpan.FromMilliseconds(200)),
                $"hand-out {pull} did not come within {Delay + Bound} of the last lease");
            handouts.Add((next!, rig.LastInstanceFor("/xqueue/get_submission/")));
            if (pull == 2)
            {
                // The instance that handed it out last dies with whatever it remembered of the pull.
                rig.Instances.KillHard(handouts[^1].Instance);
                await rig.Instances.RestartAsync(handouts[^1].Instance);
            }
        }

        // The next pull that would hand it out a fifth time fails it instead: the LMS gets the legacy failure notice,
        // and the grader keeps finding the queue empty.
        Assert.True(await Eventually.HoldsAsync(async () =>
            {
                var again = await Pull.NextAsync(watcher);
                Assert.True(again is null, $"handed out a {MaxFailures + 2}th time, with pulls {string.Join(", ", handouts.Select(h => $"#{h.Instance}"))}");
                return rig.Lms.Received.Any(r => r.Header == header);
            }, Delay + Bound, TimeSpan.FromMilliseconds(200)),
            $"no failure notice within {Delay + Bound} of the {MaxFailures + 1}th hand-out; {rig.Describe()}");

        output.WriteLine($"handed out on instances {string.Join(", ", handouts.Select(h => $"#{h.Instance}"))}; {rig.Describe()}");
        Assert.Equal(MaxFailures + 1, handouts.Select(h => h.Pull.Key).Distinct().Count()); // a new key each time
        Assert.Equal(FailureNotice.Body, Assert.Single(rig.Lms.Received, r => r.Header == header).Body);
        rig.AssertNoInternalErrors();
    }

    /// <summary>A watcher on the other queue: get_submission in a loop through the rotation, answering what it gets.</summary>
    static async Task GradeOtherQueueAsync(MultiInstanceRig rig, CancellationToken stop)
    {
        using var watcher = rig.NewWatcher();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var result = await watcher.GetSubmissionAsync(MultiInstanceRig.OtherQueue);
                if (result is { ReturnCode: 0 })
                {
                    var pull = Pull.From(result);
                    var code = JsonDocument.Parse(pull.Body).RootElement.GetProperty("student_response").GetString();
                    await watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, $"other queue: {code}"));
                }
            }
            catch (HttpRequestException)
            {
                // The instance died under the request: the next one goes elsewhere.
            }
            await Task.Delay(100, CancellationToken.None);
        }
    }
}
