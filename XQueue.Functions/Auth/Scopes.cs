using System.Security.Claims;

namespace XQueue.Functions.Auth;

/// <summary>
/// Token scopes. Read from <c>scope</c> (space-separated, RFC 8693), <c>scp</c> and <c>scopes</c> (the
/// array Open edX's LMS puts in its JWTs), so tokens from either kind of issuer are understood.
/// </summary>
public static class Scopes
{
    public const string Submit = "xqueue:submit";
    public const string Score = "xqueue:score";
    public const string Admin = "xqueue:admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Submit, Score, Admin };

    static readonly string[] ClaimTypes = ["scope", "scp", "scopes"];

    public static bool Has(ClaimsPrincipal user, string scope) =>
        user.Claims.Any(claim => ClaimTypes.Contains(claim.Type) &&
            claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));
}
