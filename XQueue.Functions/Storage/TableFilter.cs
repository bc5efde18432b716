using System.Globalization;

namespace XQueue.Functions.Storage;

/// <summary>
/// Literals for an OData $filter. Building them here keeps user text from changing a filter's meaning
/// (a quote in a value must be doubled, not end the literal).
/// </summary>
public static class TableFilter
{
    /// <summary>A string literal: <c>'it''s'</c>.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>A DateTime literal in UTC: <c>datetime'2024-01-01T00:00:00.0000000Z'</c>.</summary>
    public static string DateTime(DateTimeOffset value) => "datetime'" + TableEntityJson.FormatDateTime(value) + "'";

    /// <summary>An Int64 literal: <c>123L</c>.</summary>
    public static string Int64(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    /// <summary>A Guid literal: <c>guid'…'</c>.</summary>
    public static string Guid(Guid value) => "guid'" + value.ToString("D") + "'";
}
