using System.Globalization;

namespace XQueue.Functions.Storage;

/// <summary>How every SAS writes its times and its query, so the signed text and the link agree.</summary>
internal static class SasFormat
{
    /// <summary>UTC to the second: the service compares the query's text with what was signed.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The query string (without '?'), each value escaped; order carries no meaning to the service.</summary>
    public static string Query(IEnumerable<(string Name, string Value)> parameters) =>
        string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));
}
