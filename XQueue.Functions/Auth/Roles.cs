namespace XQueue.Functions.Auth;

/// <summary>Roles a user can hold. Recorded now; enforced per endpoint in the auth release.</summary>
public static class Roles
{
    public const string Submit = "submit";
    public const string Grade = "grade";
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Submit, Grade, Admin };

    public static IReadOnlyList<string> Parse(string? commaList) =>
        (commaList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(role => role.ToLowerInvariant())
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
}
