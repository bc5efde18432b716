using System.Text.Json;
using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Storage;
using XQueue.Functions.Tests.Submissions;
using static XQueue.Functions.Tests.Delivery.ScoreEventRig;
using XQueue.Functions.Delivery;

namespace XQueue.Functions.Tests.Delivery;

/// <summary>
/// Score events end to end: graded through HTTP as xqueue-watcher grades, published to the real score-events
/// queue in Azurite and to a real listener playing the Event Grid topic, with the LMS a real listener too.
/// </summary>
public sealed class ScoreEventTests
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_event_queue_gets_one_cloud_event_per_result_and_the_lms_gets_no_callback()
    {
        await using var rig = await GradingRig.StartAsync(Settings("event"));
        var reply = Pull.Result(true, 3, "<p>All tests passed</p>");
        var (pull, eventId) = await GradeAsync(rig, 7, "evt", reply);

        var score = CloudEventAssert.IsScoreEvent(Assert.Single(await EventsAsync(rig, 1)), eventId);
        CloudEventAssert.HasScore(score!.Value, pull.Id, 7, "evt", reply, pointsEarned: 3);

        var stored = await SettledAsync(rig, pull.Id, Wait);
        Assert.Equal(DeliveryState.Delivered, stored.Delivery);
        var channel = Assert.Single(stored.Channels);
        Assert.Equal((DeliveryChannel.EventQueue, DeliveryState.Delivered, 1), (channel.Channel, channel.State, channel.Attempts));
        Assert.Contains(stored.History, e => e.Kind == SubmissionEvent.Delivery && e.Detail == "event queue sent");
        await Task.Delay(1000);
        Assert.Equal(0, rig.Lms.Attempts);
    }

    [Fact]
    public async Task Both_sends_the_callback_and_the_event()
    {
        await using var rig = await GradingRig.StartAsync(Settings("both"));
        var reply = Pull.Result(false, 0, "<p>Wrong answer</p>");
        var (pull, eventId) = await GradeAsync(rig, 8, "both", reply);

        var callback = Assert.Single(await rig.Lms.WaitForAsync(1, Wait));
        Assert.Equal((rig.Header(8, "both"), reply), (callback.Header, callback.Body));
        var score = CloudEventAssert.IsScoreEvent(Assert.Single(await EventsAsync(rig, 1)), eventId);
        CloudEventAssert.HasScore(score!.Value, pull.Id, 8, "both", reply, pointsEarned: 0);
        Assert.Equal(DeliveryState.Delivered, (await SettledAsync(rig, pull.Id, Wait)).Delivery);
    }

    [Fact]
    public async Task Event_grid_answering_500_then_200_gets_the_same_event_again_with_key_and_content_type()
    {
        await using var grid = await FakeEventGrid.StartAsync();
        grid.FailFirst = 1;
        await using var rig = await GradingRig.StartAsync(Settings("event", grid));
        var reply = Pull.Result(true, 1, "<p>ok</p>");
        var (pull, eventId) = await GradeAsync(rig, 9, "grid", reply);

        Assert.Single(await grid.WaitForAcceptedAsync(1, Wait));
        var posts = grid.Posts.ToList();
        Assert.Equal([500, 200], posts.Select(p => p.AnsweredWith));
        foreach (var post in posts)
        {
            Assert.Equal(FakeEventGrid.Key, post.Key);
            Assert.Equal(FakeEventGrid.EventContentType, post.ContentType);
            using var body = JsonDocument.Parse(post.Body);
            CloudEventAssert.HasScore(CloudEventAssert.IsScoreEvent(body.RootElement, eventId)!.Value, pull.Id, 9, "grid", reply, pointsEarned: 1);
        }
        Assert.Equal(posts[0].Body, posts[1].Body); // same bytes, same id: a consumer can drop the repeat

        var stored = await SettledAsync(rig, pull.Id, Wait);
        Assert.Equal(DeliveryState.Delivered, stored.Delivery);
        Assert.Equal([(DeliveryChannel.EventQueue, 1), (DeliveryChannel.EventGrid, 2)], stored.Channels.Select(c => (c.Channel, c.Attempts)));
        Assert.Single(await EventsAsync(rig, 1)); // the queue had it the first time and was not sent to again
    }

    [Fact]
    public async Task Without_a_key_event_grid_gets_an_entra_id_token_for_its_scope()
    {
        await using var grid = await FakeEventGrid.StartAsync(requiredKey: null);
        var credential = new FixedTokenCredential();
        await using var rig = await GradingRig.StartAsync(Settings("event", grid),
            services => services.AddSingleton(new XQueue.Functions.Delivery.EventGridToken(credential, TimeProvider.System)));
        await GradeAsync(rig, 2, "entra", Pull.Result(true, 1, "ok"));

        var post = Assert.Single(await grid.WaitForAcceptedAsync(1, Wait));
        Assert.Null(post.Key);
        Assert.Equal($"Bearer {FixedTokenCredential.Token}", post.Authorization);
        Assert.Equal(["https://eventgrid.azure.net/.default"], credential.Scopes);
    }

    [Fact]
    public async Task On_both_a_failing_callback_is_retried_while_each_event_channel_gets_the_event_once()
    {
        await using var grid = await FakeEventGrid.StartAsync();
        await using var rig = await GradingRig.StartAsync(Settings("both", grid));
        rig.Lms.Status = 503;
        var reply = Pull.Result(true, 2, "<p>late LMS</p>");
        var (pull, _) = await GradeAsync(rig, 4, "retry", reply);

        var deadline = DateTime.UtcNow + Wait;
        while (rig.Lms.Attempts < 3 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(rig.Lms.Attempts >= 3, $"expected callback retries, saw {rig.Lms.Attempts}");
        var pending = await StoredAsync(rig, pull.Id);
        Assert.Equal(DeliveryState.Pending, pending.Delivery);
        Assert.Equal(DeliveryState.Pending, pending.Channels.Single(c => c.Channel == DeliveryChannel.Callback).State);
        Assert.Single(await EventsAsync(rig, 1));
        Assert.Single(grid.Posts);

        rig.Lms.Status = 200;
        Assert.Single(await rig.Lms.WaitForAsync(1, Wait));
        var stored = await SettledAsync(rig, pull.Id, Wait);
        Assert.Equal(DeliveryState.Delivered, stored.Delivery);
        Assert.All(stored.Channels, c => Assert.Equal(DeliveryState.Delivered, c.State));
        Assert.Equal(1, stored.Channels.Single(c => c.Channel == DeliveryChannel.EventQueue).Attempts);
        Assert.Equal(1, stored.Channels.Single(c => c.Channel == DeliveryChannel.EventGrid).Attempts);
        await Task.Delay(1500);
        Assert.Single(rig.Lms.Received);
        Assert.Single(await EventsAsync(rig, 1));
        Assert.Single(grid.Posts);
    }

    [Fact]
    public async Task A_score_message_too_large_for_a_queue_message_travels_by_dataref_to_a_read_only_blob()
    {
        await using var grid = await FakeEventGrid.StartAsync();
        await using var rig = await GradingRig.StartAsync(Settings("event", grid));
        var reply = Pull.Result(true, 1, string.Concat(Enumerable.Repeat("<tr><td>test passed</td></tr>\n", 4_000))); // ~120,000 characters
        var (pull, eventId) = await GradeAsync(rig, 5, "large", reply);

        var queued = Assert.Single(await EventsAsync(rig, 1));
        Assert.Null(CloudEventAssert.IsScoreEvent(queued, eventId));
        var dataref = new Uri(queued.GetProperty("dataref").GetString()!);
        using var http = new HttpClient();
        using var data = JsonDocument.Parse(await http.GetStringAsync(dataref));
        CloudEventAssert.HasScore(data.RootElement.GetProperty("score"), pull.Id, 5, "large", reply, pointsEarned: 1);
        using (var write = await http.PutAsync(dataref, new StringContent("{}"))) Assert.False(write.IsSuccessStatusCode); // read-only link

        // Event Grid takes up to 1 MB, so it gets the data inline.
        using var posted = JsonDocument.Parse(Assert.Single(await grid.WaitForAcceptedAsync(1, Wait)).Body);
        CloudEventAssert.HasScore(CloudEventAssert.IsScoreEvent(posted.RootElement, eventId)!.Value, pull.Id, 5, "large", reply, pointsEarned: 1);
    }

    [Fact]
    public async Task A_failed_submission_emits_the_failure_notice_as_an_event_with_no_points()
    {
        var settings = Settings("event");
        settings["XQueue:ProcessingDelay"] = "00:00:01";
        settings["XQueue:MaxFailures"] = "1";
        await using var rig = await GradingRig.StartAsync(settings);
        Assert.Equal(0, (await rig.SubmitAsync(6, "poison", "while True: pass")).Code);

        var first = await Pull.NextAsync(rig.Watcher);
        Assert.NotNull(first);
        await Task.Delay(1300);
        Assert.NotNull(await Pull.NextAsync(rig.Watcher));
        await Task.Delay(1300);
        Assert.Null(await Pull.NextAsync(rig.Watcher)); // failed on the hand-out too many

        var stored = await SettledAsync(rig, first.Id, Wait);
        Assert.Equal(SubmissionStatus.Failed, stored.Status);
        var score = CloudEventAssert.IsScoreEvent(Assert.Single(await EventsAsync(rig, 1)), $"{first.Id}-{stored.ReplyVersion}");
        CloudEventAssert.HasScore(score!.Value, first.Id, 6, "poison", FailureNotice.Body, pointsEarned: 0);
        Assert.Equal(0, rig.Lms.Attempts);
    }
}
