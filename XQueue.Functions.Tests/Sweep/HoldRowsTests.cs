using XQueue.Functions.Submissions;
using XQueue.Functions.Sweep;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Sweep;

/// <summary>The sweep removes hold rows an hour after their lease ended, and keeps the ones still needed.</summary>
public sealed class HoldRowsTests
{
    [Fact]
    public async Task A_hold_row_goes_an_hour_after_its_lease_and_a_recent_retirement_mark_stays()
    {
        var clock = new ShiftedClock();
        await using var rig = await GradingRig.StartAsync(
            new Dictionary<string, string?> { ["XQueue:ProcessingDelay"] = "00:00:30", ["XQueue:Sweep:Interval"] = "01:00:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        await rig.SubmitAsync(1, "lapses", "print(1)");
        var lapsing = await Pull.NextAsync(rig.Watcher); // held, never answered
        Assert.NotNull(lapsing);

        var holds = rig.Service.Get<Holds>();
        var work = rig.Service.Get<QueueCatalog>().WorkQueue(TestService.Queue).Name;
        var sweeper = rig.Service.Get<Sweeper>();
        Assert.Equal(1, await holds.CountLiveAsync(work));
        Assert.Equal(0, (await sweeper.RunOnceAsync()).OldHolds); // its lease runs

        clock.Offset = TimeSpan.FromMinutes(30);
        Assert.Equal(0, await holds.CountLiveAsync(work)); // lapsed: no longer held, the row kept a while
        Assert.Equal(0, (await sweeper.RunOnceAsync()).OldHolds);

        var retiredId = SubmissionId.New(clock.GetUtcNow());
        await holds.RetiredAsync(work, retiredId); // a mark made now, half an hour after the pull
        clock.Offset = TimeSpan.FromMinutes(75);
        Assert.Equal(1, (await sweeper.RunOnceAsync()).OldHolds); // the lapsed hold's row, over an hour after its lease; the mark stays
        clock.Offset = TimeSpan.FromMinutes(95);
        Assert.Equal(1, (await sweeper.RunOnceAsync()).OldHolds); // the mark, over an hour after it was made
        Assert.Equal(0, (await sweeper.RunOnceAsync()).OldHolds);
    }
}
