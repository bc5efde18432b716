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
        await using var rig = await GradingRig.StartAsync(
            new Dictionary<string, string?> { ["XQueue:Retention"] = "1.00:00:00", ["XQueue:Sweep:Interval"] = "01:00:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        await rig.SubmitAsync(1, "old", "old", new Dictionary<string, byte[]> { ["a.py"] = [1, 2, 3] });
        var graded = await Pull.NextAsync(rig.Watcher);
        await rig.Watcher.PutResultAsync(graded!.Header, Pull.Result(true, 1, "ok"));
        await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10));
        await rig.SubmitAsync(2, "waiting", "waiting");

        var store = rig.Service.Get<SubmissionStore>();
        var sweeper = rig.Service.Get<Sweeper>();
        Assert.Equal(0, (await sweeper.RunOnceAsync()).DeletedSubmissions);

        clock.Offset = TimeSpan.FromDays(2);
        Assert.Equal(1, (await sweeper.RunOnceAsync()).DeletedSubmissions);
        Assert.Null(await store.GetAsync(graded.Id));
        using var plain = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await plain.GetAsync(graded.Files["a.py"])).StatusCode);

        clock.Offset = TimeSpan.Zero;
        Assert.Equal(LegacyText.Body("waiting"), (await Pull.NextAsync(rig.Watcher))!.Body); // unfinished work is never expired
    }
}
