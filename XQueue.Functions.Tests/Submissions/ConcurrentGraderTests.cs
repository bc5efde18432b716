using System.Collections.Concurrent;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Submissions;

public sealed class ConcurrentGraderTests
{
    [Fact]
    public async Task Four_graders_draining_200_submissions_never_share_one_and_every_result_reaches_the_lms()
    {
        const int count = 200;
        await using var service = await TestService.StartAsync(new Dictionary<string, string?> { ["XQueue:ProcessingDelay"] = "00:01:00" });
        await using var lms = await FakeLms.StartAsync();
        using (var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword))
        {
            for (var i = 0; i < count; i++)
            {
                var (code, _) = await client.SubmitAsync(LegacyText.Header(lms.CallbackUrl(i, "conc"), $"key-{i}", TestService.Queue), LegacyText.Body($"print({i})"));
                Assert.Equal(0, code);
            }
        }

        var handedOut = new ConcurrentBag<long>();
        var graders = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
            while (await Pull.NextAsync(watcher) is { } pull)
            {
                handedOut.Add(pull.Id);
                var put = await watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, $"<p>{pull.Id}</p>"));
                Assert.Equal(0, put!.ReturnCode);
            }
        });
        await Task.WhenAll(graders);

        Assert.Equal(count, handedOut.Count);
        Assert.Equal(count, handedOut.Distinct().Count());
        var delivered = await lms.WaitForAsync(count, TimeSpan.FromSeconds(60));
        Assert.Equal(count, delivered.Count);
        Assert.Equal(count, delivered.Select(d => d.Header).Distinct().Count());
    }
}
