using XQueue.Functions.Submissions;
using XQueue.Functions.Sweep;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Sweep;

public sealed class RetentionTests
{
    [Fact]
    public async Task Finished_submissions_older_than_the_retention_are_deleted_with_their_files_and_others_stay()
    {
        var clock = new ShiftedClock();
        await using var service = await TestService.StartAsync(
            new Dictionary<string, string?> { ["XQueue:Retention"] = "1.00:00:00", ["XQueue:Sweep:Interval"] = "01:00:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        await using var lms = await FakeLms.StartAsync();
        using var client = new LmsClient(service.BaseAddress, TestService.LmsUser, TestService.LmsPassword);
        using var watcher = new WatcherClient(service.BaseAddress, TestService.GraderUser, TestService.GraderPassword);
        await client.SubmitAsync(LegacyText.Header(lms.CallbackUrl(1, "old"), "k", TestService.Queue), LegacyText.Body("old"),
            new Dictionary<string, byte[]> { ["a.py"] = [1, 2, 3] });
        var graded = await Pull.NextAsync(watcher);
        await watcher.PutResultAsync(graded!.Header, Pull.Result(true, 1, "ok"));
        await lms.WaitForAsync(1, TimeSpan.FromSeconds(10));
        await client.SubmitAsync(LegacyText.Header(lms.CallbackUrl(2, "waiting"), "k", TestService.Queue), LegacyText.Body("waiting"));

        var store = service.Get<SubmissionStore>();
        var sweeper = service.Get<Sweeper>();
        Assert.Equal(0, (await sweeper.RunOnceAsync()).DeletedSubmissions);

        clock.Offset = TimeSpan.FromDays(2);
        var report = await sweeper.RunOnceAsync();

        Assert.Equal(1, report.DeletedSubmissions);
        Assert.Null(await store.GetAsync(graded.Id));
        using var plain = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await plain.GetAsync(graded.Files["a.py"])).StatusCode);
        clock.Offset = TimeSpan.Zero;
        Assert.Equal(LegacyText.Body("waiting"), (await Pull.NextAsync(watcher))!.Body); // unfinished work is never expired
    }
}
