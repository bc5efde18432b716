using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.WorkQueues;

/// <summary>What a work-queue message holds.</summary>
public enum WorkMessageKind
{
    /// <summary>A waiting submission, whole (or only its id when too large to travel: the pull then reads its entity).</summary>
    Submission,

    /// <summary>A result put_result accepted, whose delivery is under way: the promise to deliver it.</summary>
    Result,
}

/// <summary>
/// The text of a work-queue message. A submission travels whole, as it was stored, so a pull hands it out with
/// one storage call and no table read; put_result turns the same message into the result (reply, pull facts,
/// key), so the promise to deliver costs the one update that also proves the grader still holds the lease.
/// The snapshot carries the entity's ETag from when it was written: delivery writes the entity with it, and only
/// when someone changed the entity meanwhile does it read it first. <paramref name="Skipped"/> counts receives that
/// handed nothing out (a prefetch given back), which the message's dequeue count includes but the pulls do not.
/// </summary>
public sealed record WorkMessage(WorkMessageKind Kind, long Id, Submission? Snapshot, int Skipped = 0)
{
    // A message holds at most 64 KiB of XML-escaped text; leave room for what escaping adds.
    const int MaxEscapedBytes = 48 * 1024;

    /// <summary>The submission whole, or its id alone when it would not fit in a message.</summary>
    public static string ForSubmission(Submission submission) =>
        Json(new Wire("s", submission)) is var json && Fits(json) ? json : submission.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The result as stored with the submission; null when it would not fit (the caller records it in the entity).</summary>
    public static string? ForResult(Submission stored) => Json(new Wire("r", stored)) is var json && Fits(json) ? json : null;

    /// <summary>The text of a submission's message given back unused; null to leave a result's text as it is.</summary>
    public static string? OneMoreSkip(string text) => Read(text) switch
    {
        { Kind: WorkMessageKind.Submission, Snapshot: { } s, Skipped: var x } => Json(new Wire("s", s, Skipped: x + 1)),
        { Kind: WorkMessageKind.Submission, Id: var id, Skipped: var x } => Json(new Wire("p", null, id, x + 1)),
        _ => null,
    };

    /// <returns>Null for a text that is no work message (the pull drops it).</returns>
    public static WorkMessage? Read(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return SubmissionId.IsValid(id) ? new WorkMessage(WorkMessageKind.Submission, id, null) : null;
        }
        try
        {
            var wire = JsonSerializer.Deserialize(text, WorkMessageJson.Default.Wire);
            return wire switch
            {
                { Kind: "s", Submission: { } s } => new WorkMessage(WorkMessageKind.Submission, s.Id, s, wire.Skipped ?? 0),
                { Kind: "p", Id: { } pointer } when SubmissionId.IsValid(pointer) => new WorkMessage(WorkMessageKind.Submission, pointer, null, wire.Skipped ?? 0),
                { Kind: "r", Submission: { } s } => new WorkMessage(WorkMessageKind.Result, s.Id, s),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string Json(Wire wire) => JsonSerializer.Serialize(wire, WorkMessageJson.Default.Wire);

    static bool Fits(string text)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        foreach (var c in text) bytes += c switch { '&' => 4, '<' or '>' => 3, '\r' => 4, _ => 0 };
        return bytes <= MaxEscapedBytes;
    }

    internal sealed record Wire(
        [property: JsonPropertyName("k")] string Kind,
        [property: JsonPropertyName("s")] Submission? Submission,
        [property: JsonPropertyName("i")] long? Id = null,
        [property: JsonPropertyName("x")] int? Skipped = null);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkMessage.Wire))]
internal sealed partial class WorkMessageJson : JsonSerializerContext;
