using Azure.Storage.Queues;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>
/// What the backlog tests share: a service with a small queue window, submissions numbered by their
/// code, a look at the Storage Queue and the backlog table, and a grader that drains what it gets.
/// </summary>
public static class WindowRig
{
    public const int Window = 10;

    public static Dictionary<string, string?> Settings(string? processingDelay = null)
    {
        var settings = new Dictionary<string, string?> { ["XQueue:QueueWindow"] = Window.ToString() };
        if (processingDelay is not null) settings["XQueue:ProcessingDelay"] = processingDelay;
        return settings;
    }

    /// <summary>The code of submission <paramref name="number"/>; its body tells a pull which one it got.</summary>
    public static string Code(int number) => $"print({number})";

    public static string BodyOf(int number) => LegacyText.Body(Code(number));

    /// <summary>Submits numbers [from, from + count), one learner each, in order; returns the replies.</summary>
    public static async Task<List<(int Code, string Message)>> SubmitAsync(GradingRig rig, int from, int count, string block = "window")
    {
        var replies = new List<(int, string)>();
        for (var i = from; i < from + count; i++) replies.Add(await rig.SubmitAsync(i, block, Code(i)));
        return replies;
    }

    public static QueueClient WorkQueue(GradingRig rig) => rig.Service.Get<QueueCatalog>().WorkQueue(TestService.Queue);

    public static Task<int> MessagesAsync(GradingRig rig) => WorkQueue(rig).ApproximateCountAsync();

    public static Task<int> BacklogRowsAsync(GradingRig rig) => rig.Service.Get<Backlog>().CountAsync(WorkQueue(rig).Name);

    public static async Task<IReadOnlyList<long>> BacklogIdsAsync(GradingRig rig) =>
        (await rig.Service.Get<Backlog>().OldestAsync(WorkQueue(rig).Name, 1000)).Ids;

    public static async Task<int> QueueLenAsync(GradingRig rig) =>
        (await rig.Watcher.GetQueueLenAsync(TestService.Queue))!.Content.GetInt32();

    /// <summary>
    /// Pulls and answers until <paramref name="expected"/> submissions were handed out or the time is up;
    /// an empty or failed poll is retried after a pause, as xqueue-watcher does.
    /// </summary>
    public static async Task<List<Pull>> DrainAsync(GradingRig rig, int expected, TimeSpan timeout, WatcherClient? watcher = null)
    {
        watcher ??= rig.Watcher;
        var pulls = new List<Pull>();
        var deadline = DateTime.UtcNow + timeout;
        while (pulls.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = await watcher.GetSubmissionAsync(TestService.Queue);
            if (result is not { ReturnCode: 0 })
            {
                await Task.Delay(100);
                continue;
            }
            var pull = Pull.From(result);
            pulls.Add(pull);
            Assert.Equal(0, (await watcher.PutResultAsync(pull.Header, Pull.Result(true, 1, $"<p>{pull.Id}</p>")))!.ReturnCode);
        }
        return pulls;
    }

    /// <summary>Polls for a while after a drain: nothing more may be handed out.</summary>
    public static async Task<List<Pull>> StragglersAsync(GradingRig rig, TimeSpan during) =>
        await DrainAsync(rig, int.MaxValue, during);
}
