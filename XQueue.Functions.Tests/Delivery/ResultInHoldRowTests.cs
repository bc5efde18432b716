using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Chaos;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Delivery;

/// <summary>
/// put_result keeps the result in the hold's row and leaves the work message as the pull left it, so the message
/// comes up again when the lease ends even while delivery is still under way (a slow LMS). The pull that meets it
/// must see the result in the row: drop the message, hand nothing out, and not count that receive as one more
/// unanswered pull, which with MaxFailures = 0 would fail the submission and send the LMS the failure notice.
/// </summary>
public sealed class ResultInHoldRowTests
{
    [Fact]
    public async Task A_message_that_comes_up_while_its_result_is_delivered_is_dropped_not_handed_out_and_not_failed()
    {
        await using var rig = await GradingRig.StartAsync(new Dictionary<string, string?>
        {
            ["XQueue:ProcessingDelay"] = "00:00:02",
            ["XQueue:MaxFailures"] = "0",
            ["XQueue:Delivery:Timeout"] = "00:00:20",
        });
        Assert.Equal(0, (await rig.SubmitAsync(1, "slow-lms", "print(1)")).Code);
        var pull = await Pull.NextAsync(rig.Watcher);
        rig.Lms.AnswerDelay = TimeSpan.FromSeconds(8); // delivery outlasts the lease by seconds
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(pull!.Header, Pull.Result(true, 1, "graded once")))!.ReturnCode);

        // Graders keep polling: once the lease ends, one of them receives the message and must drop it.
        var work = rig.Service.Get<QueueCatalog>().WorkQueue(TestService.Queue);
        var handedAgain = 0;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            if (await Pull.NextAsync(rig.Watcher) is not null) handedAgain++;
            return (await work.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0;
        }, TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(100)), "no pull dropped the message while its result was delivered");
        Assert.Empty(rig.Lms.Received); // it was the pull, not the delivery, that removed it
        Assert.Equal(0, handedAgain);

        var delivered = await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(20));
        Assert.Contains("graded once", delivered[0].Body);
        var store = rig.Service.Get<SubmissionStore>();
        Assert.True(await Eventually.HoldsAsync(async () => (await store.GetAsync(pull.Id))?.Delivery == DeliveryState.Delivered,
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)));
        var stored = await store.GetAsync(pull.Id);
        Assert.Equal((SubmissionStatus.Retired, RetireReason.Graded), (stored!.Status, stored.RetireReason));
        Assert.Null(await Pull.NextAsync(rig.Watcher));
        Assert.Single(rig.Lms.Received); // no failure notice after the result
    }
}
