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

    /// <summary>
    /// A result put_result accepted, whose delivery is under way: the text it keeps in the hold's row
    /// (<see cref="ResultText"/>), and, from an earlier version, a work message turned into the result.
    /// </summary>
    Result,
}

/// <summary>
/// The text of a work-queue message. A submission travels whole, as it was stored, so a pull hands it out with
/// one storage call and no table read; the result put_result accepts is kept in the same form in the hold's row.
/// The snapshot carries the entity's ETag from when it was written: delivery writes the entity with it, and only
/// when someone changed the entity meanwhile does it read it first. <paramref name="Skipped"/> counts receives that
/// handed nothing out, which the message's dequeue count includes but the pulls do not: messages an earlier version
/// gave back after a look for results carry it (and those named only by id, kind "p").
/// </summary>
public sealed record WorkMessage(WorkMessageKind Kind, long Id, Submission? Snapshot, int Skipped = 0)
{
    // A message holds at most 64 KiB of XML-escaped text; leave room for what escaping adds.
    const int MaxEscapedBytes = 48 * 1024;

    /// <summary>The submission whole, or its id alone when it would not fit in a message.</summary>
    public static string ForSubmission(Submission submission) =>
        Json(new Wire("s", submission)) is var json && Fits(json) ? json : submission.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The accepted result as the hold's row keeps it (<see cref="HoldResults"/>, which bounds its size), read back by
    /// <see cref="Read"/> as a result, as a result message of an earlier version is.
    /// </summary>
    public static string ResultText(Submission accepted) => Json(new Wire("r", accepted));

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
