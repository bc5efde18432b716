using System.Collections.Concurrent;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Submissions;

public sealed class ConcurrentGraderTests
{
    [Fact]
    public async Task Four_graders_draining_200_submissions_never_share_one_and_every_result_reaches_the_lms()
    {
        const int count = 200;
        var logs = new LogCapture();
        await using var rig = await GradingRig.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" }, services => services.AddSingleton<ILoggerProvider>(logs));
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

        // A grader stops at the first "empty": one said while a submission still waited fails here, with the app's account.
        Assert.True(count == handedOut.Count, $"{handedOut.Count} of {count} handed out before every grader heard \"empty\". The app said:\n" +
            string.Join("\n", logs.Lines.Where(line => !line.StartsWith("Information", StringComparison.Ordinal) || line.Contains("backlog", StringComparison.OrdinalIgnoreCase))));
        Assert.Equal(count, handedOut.Distinct().Count());
        var delivered = await rig.Lms.WaitForAsync(count, TimeSpan.FromSeconds(60));
        Assert.Equal(count, delivered.Count);
        Assert.Equal(count, delivered.Select(d => d.Header).Distinct().Count());
    }
}
