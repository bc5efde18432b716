using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Delivery;

/// <summary>The checks every score event must pass: CloudEvents 1.0 required attributes, then the score's fields and their types.</summary>
public static class CloudEventAssert
{
    public const string Type = "org.openedx.learning.external_grader.score.submitted.v1";

    /// <returns>The event's <c>data.score</c> (or null when the data is by reference).</returns>
    public static JsonElement? IsScoreEvent(JsonElement cloudEvent, string expectedId)
    {
        Assert.Equal(JsonValueKind.Object, cloudEvent.ValueKind);
        foreach (var required in new[] { "id", "source", "specversion", "type" })
        {
            Assert.True(cloudEvent.TryGetProperty(required, out var value), $"missing required attribute {required}");
            Assert.Equal(JsonValueKind.String, value.ValueKind);
            Assert.False(string.IsNullOrEmpty(value.GetString()), $"empty required attribute {required}");
        }
        Assert.Equal("1.0", cloudEvent.GetProperty("specversion").GetString());
        Assert.Equal(Type, cloudEvent.GetProperty("type").GetString());
        Assert.Equal(expectedId, cloudEvent.GetProperty("id").GetString());
        Assert.Equal("/xqueue", cloudEvent.GetProperty("source").GetString());
        Assert.Equal("application/json", cloudEvent.GetProperty("datacontenttype").GetString());
        var time = DateTimeOffset.Parse(cloudEvent.GetProperty("time").GetString()!);
        Assert.InRange(time, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        return cloudEvent.TryGetProperty("data", out var data) ? data.GetProperty("score") : null;
    }

    public static void HasScore(JsonElement score, long submissionId, int userId, string block, string scoreMsg, long pointsEarned)
    {
        Assert.Equal(
            ["course_id", "module_id", "points_earned", "points_possible", "queue_key", "queue_name", "score_msg", "submission_id", "user_id"],
            score.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(1, Integer(score, "points_possible"));
        Assert.Equal(pointsEarned, Integer(score, "points_earned"));
        Assert.Equal("course-v1:MITx+6.00x+2026", Text(score, "course_id"));
        Assert.Equal(scoreMsg, Text(score, "score_msg"));
        Assert.Equal(submissionId, Integer(score, "submission_id"));
        Assert.Equal(userId.ToString(), Text(score, "user_id"));
        Assert.Equal($"block-v1:MITx+6.00x+2026+type@problem+block@{block}", Text(score, "module_id"));
        Assert.Equal("k", Text(score, "queue_key")); // GradingRig's lms_key
        Assert.Equal(TestService.Queue, Text(score, "queue_name"));
    }

    static long Integer(JsonElement score, string name)
    {
        var value = score.GetProperty(name);
        Assert.Equal(JsonValueKind.Number, value.ValueKind);
        Assert.True(value.TryGetInt64(out var number), $"{name} is not an integer: {value.GetRawText()}");
        return number;
    }

    static string Text(JsonElement score, string name)
    {
        var value = score.GetProperty(name);
        Assert.Equal(JsonValueKind.String, value.ValueKind);
        return value.GetString()!;
    }
}
