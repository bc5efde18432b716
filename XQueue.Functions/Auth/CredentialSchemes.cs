namespace XQueue.Functions.Auth;

/// <summary>
/// Which credential a request carries. <c>Authorization: Bearer …</c> or Open edX's <c>Authorization: JWT …</c>
/// is a token; anything else (including the Basic header that clients may add for a fronting proxy, which is
/// accepted and ignored) falls to the legacy session cookie, whose challenge is the 302 both legacy clients follow.
/// </summary>
public static class CredentialSchemes
{
    /// <summary>The default scheme: forwards to <see cref="Bearer"/> or the session scheme per request.</summary>
    public const string Any = "XQueue";
    public const string Bearer = "Bearer";

    static readonly string[] Prefixes = ["Bearer ", "JWT "];

    public static string Select(HttpContext http) =>
        BearerToken(http.Request.Headers.Authorization) is null ? SessionAuthenticationHandler.Scheme : Bearer;

    public static string? BearerToken(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization)) return null;
        foreach (var prefix in Prefixes)
        {
            if (authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return authorization[prefix.Length..].Trim();
        }
        return null;
    }
}
