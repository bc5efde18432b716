using System.Text.Json;
using Xunit.Abstractions;
using XQueue.Functions.Tests.Chaos;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.MultiInstance;

/// <summary>
/// The LMS's and the watcher's flows through three published instances, every request on the next one: a login on
/// one instance carries the next calls on the others, and a key handed out by one is taken by the others at once.
/// </summary>
[Collection(MultiInstanceCollection.Name)]
public sealed class RotatedFlowTests(ITestOutputHelper output)
{
    static readonly TimeSpan DeliveryBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task The_lms_logs_in_once_submits_through_every_instance_and_gets_each_result()
    {
        await using var rig = await MultiInstanceRig.StartAsync();
        using var lms = rig.NewLmsClient();
        using var watcher = rig.NewWatcher();

        var keys = Enumerable.Range(1, 3).Select(learner => $"flow-{learner}").ToList();
        var headers = keys.Select((key, learner) => rig.Header(learner, "flow", key)).ToList();
        var positions = new List<string>();
        foreach (var (header, key) in headers.Zip(keys))
        {
            var (code, message) = await lms.SubmitAsync(header, LegacyText.Body(key));
            Assert.True(code == 0, $"submit refused: {message}");
            positions.Add(message);
        }
        output.WriteLine($"submit positions {string.Join(", ", positions)}");

        // One login (answered by one instance) and three submits, one on each instance, all taken with its cookie.
        Assert.Equal(1, lms.Logins);
        var login = rig.Front.RoutesTo("/xqueue/login/").Last(r => r.Method == "POST");
        var submits = rig.Front.RoutesTo("/xqueue/submit/").Where(r => r.Status == 200).TakeLast(3).ToList();
        Assert.NotEqual(login.Instance, submits[0].Instance);
        Assert.Equal([0, 1, 2], submits.Select(r => r.Instance).Order());

        Assert.Equal("{\"return_code\": 0, \"content\": 3}", (await watcher.GetQueueLenAsync(TestService.Queue))?.RawBody);

        // The grader answers each submission naming the code it got (the LMS's key, here), from the next instance.
        for (var i = 0; i < headers.Count; i++)
        {
            var pull = await Pull.NextAsync(watcher) ?? throw new Xunit.Sdk.XunitException($"pull {i + 1} found the queue empty");
            var code = JsonDocument.Parse(pull.Body).RootElement.GetProperty("student_response").GetString();
            Assert.Equal("{\"return_code\": 0, \"content\": \"\"}", (await watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, $"graded {code}")))?.RawBody);
        }

        Assert.True(await Eventually.HoldsAsync(() => rig.Lms.Received.Count >= headers.Count, DeliveryBound), $"the LMS got {rig.Lms.Received.Count} of 3 results");
        Assert.Equal(headers.Order(), rig.Lms.Received.Select(r => r.Header).Order());
        foreach (var (header, key) in headers.Zip(keys))
        {
            Assert.Equal(Pull.Result(true, 1, $"graded {key}"), Assert.Single(rig.Lms.Received, r => r.Header == header).Body);
        }
        output.WriteLine(rig.Describe());
        rig.AssertNoInternalErrors();
    }

    [Fact]
    public async Task A_pull_is_extended_and_answered_on_other_instances_at_once_and_the_lms_gets_the_result()
    {
        await using var rig = await MultiInstanceRig.StartAsync(new Dictionary<string, string> { ["XQueue:ProcessingDelay"] = "00:00:30" });
        using var lms = rig.NewLmsClient();
        using var watcher = rig.NewWatcher();
        var header = rig.Header(1, "lease", "lease-1");
        Assert.Equal(0, (await lms.SubmitAsync(header, LegacyText.Body("print('lease')"))).Code);

        var pull = await Pull.NextAsync(watcher) ?? throw new Xunit.Sdk.XunitException("the submission was not handed out");
        var pulledOn = rig.LastInstanceFor("/xqueue/get_submission/");

        var extended = await watcher.ExtendLeaseAsync(pull.Header, 90);
        Assert.True(extended is { ReturnCode: 0 }, $"extend_lease refused: {extended?.RawBody}");
        Assert.Equal(90, JsonDocument.Parse(extended!.Content.GetString()!).RootElement.GetProperty("seconds").GetInt32());
        var extendedOn = rig.LastInstanceFor("/xqueue/extend_lease/");

        var reply = Pull.Result(true, 1, "<p>held, then answered elsewhere</p>");
        Assert.Equal("{\"return_code\": 0, \"content\": \"\"}", (await watcher.PutResultAsync(pull.Header, reply))?.RawBody);
        var putOn = rig.LastInstanceFor("/xqueue/put_result/");

        output.WriteLine($"pulled on #{pulledOn}, extended on #{extendedOn}, answered on #{putOn}");
        Assert.Equal(3, new[] { pulledOn, extendedOn, putOn }.Distinct().Count());
        Assert.Equal(1, watcher.Logins);

        var delivered = await rig.Lms.WaitForAsync(r => r.Header == header, DeliveryBound);
        Assert.NotNull(delivered);
        Assert.Equal(reply, delivered!.Body);
        // Graded: nothing is left for another grader, on any instance.
        foreach (var _ in Enumerable.Range(0, MultiInstanceRig.InstanceCount))
        {
            Assert.Equal($"Queue '{TestService.Queue}' is empty", (await watcher.GetSubmissionAsync(TestService.Queue))?.Text);
        }
        Assert.Single(rig.Lms.Received);
        output.WriteLine(rig.Describe());
        rig.AssertNoInternalErrors();
    }
}
