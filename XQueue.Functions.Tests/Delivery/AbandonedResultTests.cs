using XQueue.Functions.Tests.Chaos;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Legacy;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Delivery;

/// <summary>
/// A result accepted by an instance that stops before its first delivery attempt settles is delivered by another
/// instance within a bounded time, with no grader pulling on its queue meanwhile.
/// </summary>
public sealed class AbandonedResultTests
{
    [Fact]
    public async Task A_result_whose_instance_stopped_mid_delivery_reaches_the_lms_without_any_further_pull()
    {
        await using var lms = await FakeLms.StartAsync();
        var prefix = Azurite.NewPrefix();
        // An attempt owns the result for 2 × 5 s + 10 s = 20 s; the surviving instance sweeps every second.
        var settings = new Dictionary<string, string?> { ["XQueue:Delivery:Timeout"] = "00:00:05" };
        var dying = await TestService.StartAsync(new Dictionary<string, string?>(settings) { ["XQueue:Sweep:Interval"] = "01:00:00" }, prefix: prefix);
        await using var surviving = await TestService.StartAsync(new Dictionary<string, string?>(settings) { ["XQueue:Sweep:Interval"] = "00:00:01" }, prefix: prefix);

        using (var client = new LmsClient(surviving.BaseAddress, TestService.LmsUser, TestService.LmsPassword))
        {
            var header = $"{{\"lms_callback_url\": \"{lms.CallbackUrl(7, "abandoned")}\", \"lms_key\": \"k7\", \"queue_name\": \"{TestService.Queue}\"}}";
            Assert.Equal(0, (await client.SubmitAsync(header, "{\"student_response\": \"print(7)\"}")).Code);
        }
        using (var grader = await GraderApi.LoginAsync(dying))
        {
            var pull = Pull.From(await grader.GetSubmissionAsync());
            lms.AnswerDelay = TimeSpan.FromMinutes(1); // the dying instance's attempt hangs at the LMS ...
            Assert.Equal(0, (await grader.PutResultAsync(pull.Header, Pull.Result(true, 1, "graded before the crash"))).ReturnCode);
        }
        Assert.True(await Eventually.HoldsAsync(() => Volatile.Read(ref lms.Attempts) >= 1, TimeSpan.FromSeconds(10)));
        await dying.DisposeAsync(); // ... and the instance stops while it waits: nothing of the attempt is settled
        lms.AnswerDelay = TimeSpan.Zero;
        lms.Received.Clear();

        var delivered = await lms.WaitForAsync(r => r.Header.Contains("\"k7\""), TimeSpan.FromSeconds(60));
        Assert.NotNull(delivered);
        Assert.Contains("graded before the crash", delivered.Body);
    }
}
