namespace XQueue.Functions.Configuration;

/// <summary>
/// The comma lists settings are written in (principals, roles, keys, audiences, callback hosts, super-admins):
/// entries trimmed, empty ones dropped.
/// </summary>
public static class CommaList
{
    public static IReadOnlyList<string> Entries(string? setting) =>
        (setting ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
