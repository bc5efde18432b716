using Azure.Storage.Queues;
using System.Text.Json;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Delivery;

/// <summary>What the score-event tests share: a queue's delivery mode, one graded submission, and the events on the score-events queue.</summary>
public static class ScoreEventRig
{
    public static Dictionary<string, string?> Settings(string mode, FakeEventGrid? grid = null)
    {
        var settings = new Dictionary<string, string?> { [$"XQueue:Queues:{TestService.Queue}:Delivery"] = mode };
        if (grid is not null)
        {
            settings["XQueue:ScoreEvents:EventGridEndpoint"] = grid.Endpoint.AbsoluteUri;
            settings["XQueue:ScoreEvents:EventGridKey"] = grid.RequiredKey;
        }
        return settings;
    }

    /// <returns>The pull that was graded, and the event id its reply must carry.</returns>
    public static async Task<(Pull Pull, string EventId)> GradeAsync(GradingRig rig, int user, string block, string reply)
    {
        Assert.Equal(0, (await rig.SubmitAsync(user, block, "print(1)")).Code);
        var pull = await Pull.NextAsync(rig.Watcher);
        Assert.NotNull(pull);
        Assert.Equal(0, (await rig.Watcher.PutResultAsync(pull!.Header, reply))!.ReturnCode);
        var stored = await StoredAsync(rig, pull.Id);
        return (pull, $"{pull.Id}-{stored.ReplyVersion}");
    }

    public static async Task<Submission> StoredAsync(GradingRig rig, long id) =>
        (await rig.Service.Get<SubmissionStore>().GetAsync(id))!;

    /// <summary>Waits until the submission's delivery has settled (delivered or given up).</summary>
    public static async Task<Submission> SettledAsync(GradingRig rig, long id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var stored = await StoredAsync(rig, id);
            if (stored.Delivery is DeliveryState.Delivered or DeliveryState.GaveUp || DateTime.UtcNow > deadline) return stored;
            await Task.Delay(100);
        }
    }

    public static QueueClient EventQueue(GradingRig rig) =>
        rig.Service.Get<StorageAccount>().GetQueue(rig.Service.Prefix + "xqueue-score-events");

    /// <summary>Every event on the score-events queue (peeked, so they stay), once there are at least <paramref name="count"/>.</summary>
    public static async Task<IReadOnlyList<JsonElement>> EventsAsync(GradingRig rig, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var messages = (await EventQueue(rig).PeekMessagesAsync(32)).Value;
            if (messages.Length >= count || DateTime.UtcNow > deadline)
            {
                return messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement.Clone()).ToList();
            }
            await Task.Delay(100);
        }
    }
}
