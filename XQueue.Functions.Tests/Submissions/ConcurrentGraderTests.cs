using System.Collections.Concurrent;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Submissions;

public sealed class ConcurrentGraderTests
{
    [Fact]
    public async Task Four_graders_draining_200_submissions_never_share_one_and_every_result_reaches_the_lms()
    {
        const int count = 200;
        await using var rig = await GradingRig.StartAsync();
        for (var i = 0; i < count; i++) Assert.Equal(0, (await rig.SubmitAsync(i, "conc", $"print({i})")).Code);

        var handedOut = new ConcurrentBag<long>();
        var graders = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var watcher = new WatcherClient(rig.Service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
            while (await Pull.NextAsync(watcher) is { } pull)
            {
                handedOut.Add(pull.Id);
                Assert.Equal(0, (await watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, $"<p>{pull.Id}</p>")))!.ReturnCode);
            }
        });
        await Task.WhenAll(graders);

        Assert.Equal(count, handedOut.Count);
        Assert.Equal(count, handedOut.Distinct().Count());
        var delivered = await rig.Lms.WaitForAsync(count, TimeSpan.FromSeconds(60));
        Assert.Equal(count, delivered.Count);
        Assert.Equal(count, delivered.Select(d => d.Header).Distinct().Count());
    }
}
