using System.Text.Json;

namespace XQueue.Functions.Delivery;

/// <summary>
/// The points a grader reply carries, read the way edx-submissions' put_result reads them: the reply's
/// <c>score</c> is points earned. XQueue is never told the problem's maximum (the LMS keeps it), so points
/// possible is the reply's own <c>points_possible</c> when it has one, else 1 (ExternalGraderDetail's default).
/// A reply without a numeric score, or not JSON at all, still makes an event: 0 points earned, the reply verbatim.
/// </summary>
public readonly record struct ReplyPoints(double Earned, double Possible)
{
    public const double DefaultPossible = 1;

    public static ReplyPoints Of(string reply)
    {
        try
        {
            using var json = JsonDocument.Parse(reply);
            if (json.RootElement.ValueKind != JsonValueKind.Object) return new(0, DefaultPossible);
            var earned = Number(json.RootElement, "score") ?? 0;
            var possible = Number(json.RootElement, "points_possible") is { } given && given > 0 ? given : DefaultPossible;
            return new(earned, possible);
        }
        catch (JsonException)
        {
            return new(0, DefaultPossible);
        }
    }

    static double? Number(JsonElement reply, string name) =>
        reply.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : null;
}
