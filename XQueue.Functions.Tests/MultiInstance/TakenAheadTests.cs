using System.Text.RegularExpressions;
using Xunit.Abstractions;
using XQueue.Functions.Tests.Dashboard;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.MultiInstance;

/// <summary>
/// An instance killed while a busy grader pulls from it leaves no submission counted as pulled more often than a
/// grader saw it: nothing is received ahead of a pull (a message taken ahead for the next pulls came back, after a
/// kill, counted as a pull no grader had, and a few restarts failed submissions nobody graded).
/// </summary>
[Collection(MultiInstanceCollection.Name)]
public sealed partial class TakenAheadTests(ITestOutputHelper output)
{
    const int Submissions = 40, BeforeKill = 15;
    const string Operator = "ops", OperatorPassword = "ops-password-for-tests";

    [Fact]
    public async Task A_busy_grader_s_instance_killed_mid_stream_leaves_no_unseen_pull_counted()
    {
        await using var rig = await MultiInstanceRig.StartAsync(new Dictionary<string, string>
        {
            ["XQueue:ProcessingDelay"] = "00:00:02",
            [$"XQueue:Users:{Operator}:Password"] = OperatorPassword,
            [$"XQueue:Users:{Operator}:Roles"] = "admin",
        });
        using (var lms = rig.NewLmsClient())
        {
            for (var learner = 0; learner < Submissions; learner++)
            {
                Assert.Equal(0, (await lms.SubmitAsync(rig.Header(learner, "ahead", $"k{learner}"), LegacyText.Body($"print({learner})"))).Code);
            }
        }

        // A grader on instance 0 alone pulls and answers as fast as it can: the rate at which taking ahead paid off.
        var seen = new Dictionary<long, int>();
        using (var busy = new WatcherClient(rig.Instances.Addresses[0], TestService.GraderUser, TestService.GraderPassword))
        {
            for (var answered = 0; answered < BeforeKill;)
            {
                var pull = await Pull.NextAsync(busy);
                Assert.NotNull(pull);
                seen[pull!.Id] = seen.GetValueOrDefault(pull.Id) + 1;
                if ((await busy.PutResultAsync(pull.Header, Pull.Result(true, 1, "busy")))?.ReturnCode == 0) answered++;
            }
            rig.Instances.KillHard(0); // mid-stream: whatever it had received and not handed out is gone with it
        }
        await rig.Instances.RestartAsync(0);

        // The rest through the rotation, each answered; a submission whose lease ran out may be seen twice.
        using (var watcher = rig.NewWatcher())
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (rig.Lms.Received.Select(r => r.Header).Distinct().Count() < Submissions && DateTime.UtcNow < deadline)
            {
                if (await Pull.NextAsync(watcher) is not { } pull)
                {
                    await Task.Delay(200); // the poll interval: a lapsed lease comes back within the delay
                    continue;
                }
                seen[pull.Id] = seen.GetValueOrDefault(pull.Id) + 1;
                await watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, "rest"));
            }
        }
        Assert.Equal(Submissions, rig.Lms.Received.Select(r => r.Header).Distinct().Count());

        // The dashboard lists the submissions with a failure (pulled more than once before their result).
        using var admin = new DashboardClient(rig.Front.BaseAddress);
        await admin.LogInAsync(Operator, OperatorPassword);
        var failures = RowIds().Matches(await admin.PageAsync("/xqueue/dashboard/submissions?failures=1")).Select(m => long.Parse(m.Groups[1].Value)).ToList();
        var seenOnce = failures.Where(id => seen.GetValueOrDefault(id) <= 1).ToList();
        output.WriteLine($"seen: {seen.Count} submissions, {seen.Count(s => s.Value > 1)} twice; listed with a failure: {failures.Count}; {rig.Describe()}");
        Assert.True(seenOnce.Count == 0, $"counted as pulled more often than a grader saw them: {string.Join(", ", seenOnce)}");
        rig.AssertNoInternalErrors();
    }

    [GeneratedRegex("<tr data-id=\"(\\d+)\"")]
    private static partial Regex RowIds();
}
