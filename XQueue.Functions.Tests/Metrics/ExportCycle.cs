using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Metrics;

/// <summary>What the export tests drive (one submission graded and delivered, one left waiting) and the metrics every export then carries.</summary>
public static class ExportCycle
{
    public static readonly string[] MetricNames =
    [
        "xqueue.submissions.received", "xqueue.submissions.pulled", "xqueue.results.accepted", "xqueue.deliveries",
        "xqueue.submission.waiting.duration", "xqueue.submission.grading.duration", "xqueue.submission.end_to_end.duration",
        "xqueue.queue.waiting", "xqueue.queue.in_flight", "xqueue.queue.oldest_waiting.age",
        "xqueue.storage.requests", "http.server.request.duration",
    ];

    public static async Task RunAsync(GradingRig rig)
    {
        await rig.SubmitAsync(1, "graded", "print(1)");
        await rig.SubmitAsync(2, "waiting", "print(2)");
        var pull = await Pull.NextAsync(rig.Watcher);
        Assert.NotNull(pull);
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, "ok")))?.ReturnCode);
        Assert.Single(await rig.Lms.WaitForAsync(1, TimeSpan.FromSeconds(10)));
    }
}
