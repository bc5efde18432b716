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

/// <summary>
/// Marks a setting read with <see cref="CommaList"/>, with an example of how it is written: an operator who
/// writes it as a .NET array (<c>Key:0=…</c>) is shown this instead (<see cref="ConfigurationShape"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CommaSeparatedAttribute(string example) : Attribute
{
    public string Example { get; } = example;
}
