using Microsoft.Azure.Functions.Worker;
using XQueue.Functions.Push;
using XQueue.Functions.Handouts;

namespace XQueue.Functions.Tests.Push;

/// <summary>
/// The Functions host's way to push: its timer runs the PushDispatch function (here called as the worker calls
/// it; the host's side is in the host-contract tests), and the pass pushes what waits, even with no push loop
/// running in the instance.
/// </summary>
public sealed class PushDispatchTests
{
    [Fact]
    public async Task The_timer_function_pushes_a_waiting_submission_when_the_loops_are_off()
    {
        await using var rig = await PushRig.StartAsync(new Dictionary<string, string?> { ["XQueue:Push:Loops"] = "false" });
        await rig.SubmitAsync(1, "timer", "{}");
        await Task.Delay(TimeSpan.FromSeconds(1)); // five rechecks: a running loop would have pushed by now
        Assert.Empty(rig.Grader.Received);

        var function = ActivatorUtilities.CreateInstance<PushFunctions>(rig.Service.Services);
        await function.PushDispatch(new TimerInfo(), CancellationToken.None);

        Assert.Single(rig.Grader.Received);
        Assert.Equal(FakeGrader.Reply(1), Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(30))).Body);
    }
}
