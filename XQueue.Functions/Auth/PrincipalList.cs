using System.Security.Claims;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Auth;

/// <summary>
/// A queue's <c>Submitters</c> or <c>Graders</c> setting: a comma list of user names or token subjects,
/// <c>claim=value</c> entries (any claim of the principal with that value), or <c>*</c> for everyone.
/// </summary>
public sealed class PrincipalList
{
    readonly HashSet<string> names = new(StringComparer.Ordinal);
    readonly List<(string Type, string Value)> claims = [];
    readonly bool everyone;

    PrincipalList(bool everyone) => this.everyone = everyone;

    /// <summary>An empty setting: everyone who holds the right.</summary>
    public static readonly PrincipalList Everyone = new(everyone: true);

    public static PrincipalList Parse(string? setting)
    {
        var entries = CommaList.Entries(setting);
        if (entries.Count == 0 || entries.Contains("*")) return Everyone;
        var list = new PrincipalList(everyone: false);
        foreach (var entry in entries)
        {
            var equals = entry.IndexOf('=');
            if (equals > 0) list.claims.Add((entry[..equals], entry[(equals + 1)..]));
            else list.names.Add(entry);
        }
        return list;
    }

    public bool Contains(ClaimsPrincipal user) =>
        everyone ||
        (user.Identity?.Name is { } name && names.Contains(name)) ||
        claims.Any(entry => user.HasClaim(entry.Type, entry.Value));
}
