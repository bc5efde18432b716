using System.Globalization;

namespace XQueue.Functions.Handouts;

/// <summary>
/// A table row's ETag is its timestamp in a fixed text (<c>W/"datetime'2026-12-08T02%3A21%3A47.1234567Z'"</c>, on Azure
/// and Azurite alike), so a pull key seals the timestamp's ticks instead of the text. Only an ETag that comes back
/// exactly from its ticks is taken that way; any other is sealed as text.
/// </summary>
static class RowETags
{
    const string Head = "W/\"datetime'";
    const string Tail = "'\"";
    const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static long? Ticks(string etag)
    {
        if (!etag.StartsWith(Head, StringComparison.Ordinal) || !etag.EndsWith(Tail, StringComparison.Ordinal)) return null;
        var text = Uri.UnescapeDataString(etag[Head.Length..^Tail.Length]);
        if (!DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)) return null;
        return FromTicks(at.Ticks) == etag ? at.Ticks : null;
    }

    public static string FromTicks(long ticks) =>
        Head + Uri.EscapeDataString(new DateTime(ticks, DateTimeKind.Utc).ToString(Format, CultureInfo.InvariantCulture)) + Tail;
}
