using System.Net.Http.Headers;
using System.Text.Json;
using Xunit.Abstractions;
using XQueue.Functions.Tests.Auth;
using XQueue.Functions.Tests.Chaos;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.MultiInstance;

/// <summary>
/// What an operator reads on /xqueue/metrics/ is the service's, whichever instance answers: the queue counts, the
/// finished per minute and the latency percentiles agree across instances; only the part labelled
/// <c>thisInstance</c> is the answering instance's own.
/// </summary>
[Collection(MultiInstanceCollection.Name)]
public sealed class ServiceFiguresTests(ITestOutputHelper output)
{
    const int Submitted = 9, Graded = 6;

    [Fact]
    public async Task Every_instance_reports_the_same_service_figures_after_grading_through_all_of_them()
    {
        await using var rig = await MultiInstanceRig.StartAsync(
            TestTokens.Settings().Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!));
        using var lms = rig.NewLmsClient();
        using var watcher = rig.NewWatcher();
        for (var learner = 0; learner < Submitted; learner++)
        {
            Assert.Equal(0, (await lms.SubmitAsync(rig.Header(learner, "figures", $"figures-{learner}"), LegacyText.Body($"print({learner})"))).Code);
        }
        for (var i = 0; i < Graded; i++)
        {
            var pull = await Pull.NextAsync(watcher) ?? throw new Xunit.Sdk.XunitException($"pull {i + 1} found the queue empty");
            Assert.Equal(0, (await watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, "done")))!.ReturnCode);
        }
        Assert.Equal(Graded, (await rig.Lms.WaitForAsync(Graded, TimeSpan.FromSeconds(30))).Count);
        var gradedOn = rig.Front.RoutesTo("/xqueue/put_result/").Select(r => r.Instance).Distinct().Count();

        // Each instance writes what it measured every 10 s and before it answers: within a flush, all agree.
        string[] figures = [];
        var agreed = await Eventually.HoldsAsync(async () =>
        {
            figures = await Task.WhenAll(rig.Instances.Addresses.Select(ServiceFiguresAsync));
            // The LMS has every result a moment before each delivery is recorded (its hold ended, its time measured).
            return figures.Distinct().Count() == 1 && figures[0].Contains("\"inFlight\":0,", StringComparison.Ordinal)
                && new[] { "waiting", "grading", "delivery", "endToEnd" }.All(phase => figures[0].Contains($"\"{phase}\":{{\"count\":{Graded},", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));

        output.WriteLine($"results put on {gradedOn} instances; figures per instance:\n{string.Join("\n", figures)}");
        Assert.True(gradedOn > 1, "the rotation put every result on one instance");
        Assert.True(agreed, $"the instances disagree:\n{string.Join("\n", figures)}");
        using var first = JsonDocument.Parse(figures[0]);
        Assert.Equal(Submitted - Graded, first.RootElement.GetProperty("waiting").GetInt32());
        foreach (var phase in new[] { "waiting", "grading", "delivery", "endToEnd" })
        {
            Assert.Equal(Graded, first.RootElement.GetProperty("latency").GetProperty(phase).GetProperty("count").GetInt32());
        }
        rig.AssertNoInternalErrors();
    }

    /// <summary>The test queue's entry of /xqueue/metrics/ on one instance, without the age of the oldest (it grows by the moment).</summary>
    static async Task<string> ServiceFiguresAsync(Uri instance)
    {
        using var http = new HttpClient { BaseAddress = instance };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Hs("ops-robot", "xqueue:admin"));
        using var report = JsonDocument.Parse(await http.GetStringAsync("/xqueue/metrics/"));
        var queue = report.RootElement.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == TestService.Queue);
        var fields = queue.EnumerateObject().Where(p => p.Name != "oldestWaitingSeconds").ToDictionary(p => p.Name, p => p.Value.Clone());
        return JsonSerializer.Serialize(fields);
    }
}
