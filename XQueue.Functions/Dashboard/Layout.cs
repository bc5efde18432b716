using System.Globalization;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// The page shell (Layout.razor), and how times and ages read on every page and in the overview's JSON.
/// </summary>
public partial class Layout
{
    public const string Root = "/xqueue/dashboard/";

    public static string Time(DateTimeOffset? at) =>
        at is { } t && t > DateTimeOffset.MinValue ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    public static string Age(TimeSpan? age) => age switch
    {
        null => "—",
        { TotalSeconds: < 120 } a => $"{a.TotalSeconds:F0} s",
        { TotalMinutes: < 120 } a => $"{a.TotalMinutes:F0} min",
        { TotalHours: < 48 } a => $"{a.TotalHours:F1} h",
        var a => $"{a.Value.TotalDays:F1} d",
    };
}
