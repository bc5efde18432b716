using System.Text.Json;
using XQueue.Functions.Delivery;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Tests.Delivery;

/// <summary>The pure parts of a score event: the LMS callback URL's ids, the reply's points, and the envelope itself.</summary>
public sealed class ScoreEventPartsTests
{
    [Theory]
    [InlineData("https://lms.example.com/courses/course-v1:MITx+6.00x+2026/xqueue/42/block-v1:MITx+6.00x+2026+type@problem+block@abc/score_update",
        "course-v1:MITx+6.00x+2026", "42", "block-v1:MITx+6.00x+2026+type@problem+block@abc")]
    [InlineData("https://lms.example.com/courses/course-v1%3AMITx%2B6.00x%2B2026/xqueue/42/block-v1%3AMITx%2B6.00x%2B2026%2Btype%40problem%2Bblock%40abc/score_update",
        "course-v1:MITx+6.00x+2026", "42", "block-v1:MITx+6.00x+2026+type@problem+block@abc")]
    [InlineData("http://lms:8000/courses/MITx/6.00x/2012_Fall/xqueue/7/i4x://MITx/6.00x/problem/p1/score_update",
        "MITx/6.00x/2012_Fall", "7", "i4x://MITx/6.00x/problem/p1")]
    [InlineData("https://lms.example.com/prefix/courses/course-v1:A+B+C/xqueue/3/block-v1:A+B+C+type@matlab+block@m/ungraded_response",
        "course-v1:A+B+C", "3", "block-v1:A+B+C+type@matlab+block@m")]
    [InlineData("https://lms.example.com/courses/course-v1:A+B+C/xqueue/3/block-v1:A+B+C+type@problem+block@%C3%A9t%C3%A9/score_update?x=1",
        "course-v1:A+B+C", "3", "block-v1:A+B+C+type@problem+block@été")]
    public void The_lms_callback_url_names_course_user_and_module(string url, string course, string user, string module) =>
        Assert.Equal(new LmsCallbackTarget(course, user, module), LmsCallbackUrl.Parse(url));

    [Theory]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("/courses/course-v1:A+B+C/xqueue/3/block/score_update")]
    [InlineData("https://lms.example.com/grading/callback")]
    [InlineData("https://lms.example.com/courses/only-one-part/xqueue/3/block/score_update")]
    [InlineData("https://lms.example.com/courses/course-v1:A+B+C/xqueue/3/score_update")]
    [InlineData("https://lms.example.com/courses/course-v1:A+B+C/xqueue/3")]
    [InlineData("ftp://lms.example.com/courses/course-v1:A+B+C/xqueue/3/block/score_update")]
    public void A_url_without_the_lms_shape_has_no_ids(string url) => Assert.Null(LmsCallbackUrl.Parse(url));

    [Theory]
    [InlineData("{\"correct\": true, \"score\": 2, \"msg\": \"ok\"}", 2, 1)]
    [InlineData("{\"correct\": true, \"score\": 0.5, \"points_possible\": 2, \"msg\": \"ok\"}", 0.5, 2)]
    [InlineData("{\"correct\": true, \"score\": \"3\", \"msg\": \"ok\"}", 0, 1)]
    [InlineData("{\"correct\": null, \"score\": null, \"points_possible\": 0}", 0, 1)]
    [InlineData("{\"correct\": true, \"msg\": \"no score\"}", 0, 1)]
    [InlineData("[1, 2]", 0, 1)]
    [InlineData("<p>plain HTML, not JSON</p>", 0, 1)]
    [InlineData("", 0, 1)]
    public void Points_come_from_the_reply_with_a_rule_for_what_is_missing(string reply, double earned, double possible) =>
        Assert.Equal(new ReplyPoints(earned, possible), ReplyPoints.Of(reply));

    [Fact]
    public void A_reply_that_is_not_json_and_a_url_without_the_lms_shape_still_make_a_complete_event()
    {
        var submission = new Submission
        {
            Id = 123, Queue = "q", Header = "not json", CallbackUrl = "https://lms.example.com/other",
            ReplyVersion = 456, ReceivedAt = DateTimeOffset.UnixEpoch, StatusAt = DateTimeOffset.UnixEpoch,
            FinishedAt = new DateTimeOffset(2026, 11, 21, 12, 0, 0, 250, TimeSpan.Zero),
        };
        var scoreEvent = ScoreEvent.For(submission, "crashed: <b>no</b>", LmsCallbackUrl.Parse(submission.CallbackUrl), "https://xqueue.example.com");

        Assert.Equal(
            "{\"specversion\":\"1.0\",\"type\":\"org.openedx.learning.external_grader.score.submitted.v1\",\"source\":\"https://xqueue.example.com\"," +
            "\"id\":\"123-456\",\"time\":\"2026-11-21T12:00:00.250Z\",\"datacontenttype\":\"application/json\",\"data\":{\"score\":{" +
            "\"points_possible\":1,\"points_earned\":0,\"course_id\":\"\",\"score_msg\":\"crashed: <b>no</b>\",\"submission_id\":123," +
            "\"user_id\":\"\",\"module_id\":\"\",\"queue_key\":\"\",\"queue_name\":\"q\"}}}",
            System.Text.Encoding.UTF8.GetString(scoreEvent.Bytes));
    }

    [Fact]
    public async Task The_claim_check_form_drops_data_for_a_dataref_and_stores_the_data_once()
    {
        var submission = new Submission
        {
            Id = 1, Queue = "q", Header = "{\"lms_key\": \"k\"}", CallbackUrl = "", ReplyVersion = 2,
            ReceivedAt = DateTimeOffset.UnixEpoch, StatusAt = DateTimeOffset.UnixEpoch,
        };
        var scoreEvent = ScoreEvent.For(submission, "{\"score\": 1.5}", null, "/xqueue");
        var stores = 0;
        // Still storing when the second channel asks: the two requests overlap, as two channels' attempts do.
        var stored = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<Uri> Store(ScoreEvent _) { Interlocked.Increment(ref stores); return stored.Task; }

        var both = Task.WhenAll(scoreEvent.ReferencedAsync(Store), scoreEvent.ReferencedAsync(Store));
        stored.SetResult(new Uri("https://account.blob.core.windows.net/files/1/event-2.json?sig=x"));
        var referenced = await both;
        Assert.Equal(1, stores);
        using var json = JsonDocument.Parse(referenced[0]);
        Assert.False(json.RootElement.TryGetProperty("data", out _));
        Assert.Equal("https://account.blob.core.windows.net/files/1/event-2.json?sig=x", json.RootElement.GetProperty("dataref").GetString());
        Assert.Equal("{\"score\":{\"points_possible\":1,\"points_earned\":1.5,\"course_id\":\"\",\"score_msg\":\"{\\\"score\\\": 1.5}\",\"submission_id\":1," +
                     "\"user_id\":\"\",\"module_id\":\"\",\"queue_key\":\"k\",\"queue_name\":\"q\"}}", System.Text.Encoding.UTF8.GetString(scoreEvent.Data));
    }
}
