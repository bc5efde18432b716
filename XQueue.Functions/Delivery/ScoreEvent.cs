using System.Text.Encodings.Web;
using System.Text.Json;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Delivery;

/// <summary>
/// A result as the openedx-events signal EXTERNAL_GRADER_SCORE_SUBMITTED, in a CloudEvents 1.0 structured-mode
/// JSON envelope: data is <c>{"score": ExternalGraderScoreData}</c>. Built from what is stored, so every attempt
/// makes the same bytes and the same id (one per reply), which is what lets consumers drop the repeats that
/// at-least-once delivery brings.
/// </summary>
public sealed class ScoreEvent
{
    public const string Type = "org.openedx.learning.external_grader.score.submitted.v1";
    public const string JsonContentType = "application/json";

    // The score message is HTML; the default encoder would turn every '<' into six characters.
    static readonly JsonWriterOptions Writing = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    readonly Lock referencing = new();
    Task<byte[]>? referenced;

    ScoreEvent(string id, byte[] bytes, byte[] data, Func<byte[], byte[]> withDataRef)
    {
        Id = id;
        Bytes = bytes;
        Data = data;
        WithDataRef = withDataRef;
    }

    public string Id { get; }

    /// <summary>The whole event, data inline (UTF-8 JSON).</summary>
    public byte[] Bytes { get; }

    /// <summary>The data alone, as a claim check stores it.</summary>
    public byte[] Data { get; }

    Func<byte[], byte[]> WithDataRef { get; }

    /// <param name="target">The course, user and module from the callback URL; null when it has no LMS shape (empty strings then).</param>
    public static ScoreEvent For(Submission submission, string reply, LmsCallbackTarget? target, string source)
    {
        var id = $"{submission.Id}-{submission.ReplyVersion}";
        var points = ReplyPoints.Of(reply);
        var data = Write(writer => WriteData(writer, submission, reply, target, points));
        var time = (submission.FinishedAt ?? submission.StatusAt).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        byte[] Envelope(Action<Utf8JsonWriter> payload) => Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", "1.0");
            writer.WriteString("type", Type);
            writer.WriteString("source", source);
            writer.WriteString("id", id);
            writer.WriteString("time", time);
            writer.WriteString("datacontenttype", JsonContentType);
            payload(writer);
            writer.WriteEndObject();
        });
        return new ScoreEvent(id, Envelope(writer =>
        {
            writer.WritePropertyName("data");
            writer.WriteRawValue(data, skipInputValidation: true);
        }), data, dataRef => Envelope(writer => writer.WriteString("dataref", dataRef)));
    }

    /// <summary>
    /// The event with its data left out and a <c>dataref</c> (CloudEvents claim check) in its place, for a channel
    /// that cannot carry it whole. <paramref name="store"/> runs once per event, however many channels ask.
    /// </summary>
    public Task<byte[]> ReferencedAsync(Func<ScoreEvent, Task<Uri>> store)
    {
        lock (referencing) return referenced ??= Make();
        async Task<byte[]> Make() => WithDataRef(System.Text.Encoding.UTF8.GetBytes((await store(this)).AbsoluteUri));
    }

    static void WriteData(Utf8JsonWriter writer, Submission submission, string reply, LmsCallbackTarget? target, ReplyPoints points)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("score");
        WritePoints(writer, "points_possible", points.Possible);
        WritePoints(writer, "points_earned", points.Earned);
        writer.WriteString("course_id", target?.CourseId ?? "");
        writer.WriteString("score_msg", reply);
        writer.WriteNumber("submission_id", submission.Id);
        writer.WriteString("user_id", target?.UserId ?? "");
        writer.WriteString("module_id", target?.ModuleId ?? "");
        writer.WriteString("queue_key", LmsKey(submission.Header));
        writer.WriteString("queue_name", submission.Queue);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    // The signal's fields are ints; a whole score is written as one, a fractional one (the LMS accepts those) as given.
    static void WritePoints(Utf8JsonWriter writer, string name, double value)
    {
        if (Math.Abs(value) < 1e15 && value == Math.Floor(value)) writer.WriteNumber(name, (long)value);
        else writer.WriteNumber(name, value);
    }

    /// <summary>The LMS's lms_key from its header (the queuekey its problem checks), or "" when there is none.</summary>
    static string LmsKey(string header)
    {
        try
        {
            using var json = JsonDocument.Parse(header);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("lms_key", out var key)
                ? key.ValueKind == JsonValueKind.String ? key.GetString()! : key.GetRawText()
                : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Writing)) write(writer);
        return buffer.WrittenSpan.ToArray();
    }
}
