using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Tests.Submissions;

public sealed class WorkArrivalsTests
{
    static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task One_announcement_wakes_the_longest_waiting_watcher_only()
    {
        var arrivals = new WorkArrivals();
        using var first = arrivals.StartWatching("q");
        using var second = arrivals.StartWatching("q");
        var firstWait = first.WaitAsync(Long, TimeProvider.System, CancellationToken.None);
        var secondWait = second.WaitAsync(TimeSpan.FromMilliseconds(300), TimeProvider.System, CancellationToken.None);

        arrivals.Announce("q");

        Assert.True(await firstWait);
        Assert.False(await secondWait);
    }

    [Fact]
    public async Task An_announcement_between_watching_and_waiting_is_not_missed()
    {
        var arrivals = new WorkArrivals();
        using var watch = arrivals.StartWatching("q");
        arrivals.Announce("q"); // the grader was still looking at the queue

        Assert.True(await watch.WaitAsync(Long, TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task Announcements_for_another_queue_do_not_wake()
    {
        var arrivals = new WorkArrivals();
        using var watch = arrivals.StartWatching("q");
        arrivals.Announce("other");

        Assert.False(await watch.WaitAsync(TimeSpan.FromMilliseconds(200), TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task A_wake_the_watcher_did_not_use_passes_to_the_next()
    {
        var arrivals = new WorkArrivals();
        var busy = arrivals.StartWatching("q");
        using var idle = arrivals.StartWatching("q");
        arrivals.Announce("q"); // wakes "busy", which then finds work on its own and stops watching

        busy.Dispose();

        Assert.True(await idle.WaitAsync(Long, TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task A_used_wake_is_not_passed_on()
    {
        var arrivals = new WorkArrivals();
        var woken = arrivals.StartWatching("q");
        using var other = arrivals.StartWatching("q");
        arrivals.Announce("q");
        Assert.True(await woken.WaitAsync(Long, TimeProvider.System, CancellationToken.None));

        woken.Dispose();

        Assert.False(await other.WaitAsync(TimeSpan.FromMilliseconds(200), TimeProvider.System, CancellationToken.None));
    }
}
