using System.Net;
using System.Text;
using System.Text.Json;

namespace XQueue.Functions.Tests.Push;

/// <summary>
/// The Functions host's way to push: its timer POSTs /PushDispatch (replayed here with the host's exact
/// payload), and the pass pushes what waits, even with no push loop running in the instance.
/// </summary>
public sealed class PushDispatchTests
{
    // What the host POSTs for the PushDispatch timerTrigger (useMonitor: true, every 10 s).
    const string TimerInvocation = """
        {"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-11-21T10:00:00+00:00","Next":"2026-11-21T10:00:10+00:00","LastUpdated":"2026-11-21T10:00:00+00:00"},"IsPastDue":false}},
         "Metadata":{"sys":{"MethodName":"PushDispatch","UtcNow":"2026-11-21T10:00:10.0123456Z","RandGuid":"0b3f7c1e-5d7a-4a4e-8e55-3c2a9d4f6b10"}}}
        """;

    [Fact]
    public async Task The_timer_invocation_pushes_a_waiting_submission_when_the_loops_are_off()
    {
        await using var rig = await PushRig.StartAsync(new Dictionary<string, string?> { ["XQueue:Push:Loops"] = "false" });
        await rig.SubmitAsync(1, "timer", "{}");
        await Task.Delay(TimeSpan.FromSeconds(1)); // five rechecks: a running loop would have pushed by now
        Assert.Empty(rig.Grader.Received);

        using var http = new HttpClient { BaseAddress = rig.Service.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/PushDispatch") { Content = new StringContent(TimerInvocation, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.UserAgent.ParseAdd("Azure-Functions-Host/4.1040.300.0");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("Outputs").ValueKind);
        Assert.StartsWith("push dispatch: 1 graded, 0 to retry, 0 failed, 0 superseded in ", body.RootElement.GetProperty("Logs")[0].GetString());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("ReturnValue").ValueKind);
        Assert.Single(rig.Grader.Received);
        Assert.Equal(FakeGrader.Reply(1), Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(30))).Body);
    }
}
