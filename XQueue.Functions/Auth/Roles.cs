using XQueue.Functions.Configuration;

namespace XQueue.Functions.Auth;

/// <summary>Roles a session user can hold; each grants one <see cref="Right"/> (<see cref="Rights.RoleFor"/>).</summary>
public static class Roles
{
    public const string Submit = "submit";
    public const string Grade = "grade";
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Submit, Grade, Admin };

    public static IReadOnlyList<string> Parse(string? commaList) =>
        CommaList.Entries(commaList)
            .Select(role => role.ToLowerInvariant())
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
}
