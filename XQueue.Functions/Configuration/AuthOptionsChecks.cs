using System.Net;
using Microsoft.IdentityModel.Tokens;
using XQueue.Functions.Auth;

namespace XQueue.Functions.Configuration;

/// <summary>Start-up checks of the auth settings (JWT, throttling, access lists, callback hosts); each message names its key.</summary>
public static class AuthOptionsChecks
{
    public static void Check(XQueueOptions options, Action<bool, string> check)
    {
        foreach (var (queue, settings) in options.Queues)
        {
            CheckPrincipals(settings.Submitters, $"XQueue:Queues:{queue}:Submitters", check);
            CheckPrincipals(settings.Graders, $"XQueue:Queues:{queue}:Graders", check);
        }

        CheckJwt(options.Jwt, check);

        CheckRate(options.Throttling.Polls, "Polls", check);
        CheckRate(options.Throttling.Submits, "Submits", check);
        CheckRate(options.Throttling.LoginFailures, "LoginFailures", check);

        foreach (var host in CommaList.Entries(options.CallbackHosts))
        {
            var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            check(Uri.CheckHostName(name.Trim('[', ']')) != UriHostNameType.Unknown || IPAddress.TryParse(name.Trim('[', ']'), out _),
                $"XQueue:CallbackHosts has '{host}', which is not a host name, *.domain or IP address (no scheme, port or path).");
        }

        check(!XQueueOptionsValidator.IsUnresolvedReference(options.Sessions.PreviousSigningKeys), "XQueue:Sessions:PreviousSigningKeys is an unresolved Key Vault reference.");
        if (!XQueueOptionsValidator.IsUnresolvedReference(options.Sessions.PreviousSigningKeys)) CheckKeys(options.Sessions.PreviousSigningKeys, "XQueue:Sessions:PreviousSigningKeys", check);
    }

    /// <summary>XQueue:Jwt alone: what the app checks at start-up and <c>token issue</c> checks before signing.</summary>
    public static void CheckJwt(JwtOptions jwt, Action<bool, string> check)
    {
        check(!string.IsNullOrWhiteSpace(jwt.Issuer), "XQueue:Jwt:Issuer must not be empty.");
        check(CommaList.Entries(jwt.Audience).Count > 0, "XQueue:Jwt:Audience must name at least one audience.");
        check(!XQueueOptionsValidator.IsUnresolvedReference(jwt.SigningKeys), "XQueue:Jwt:SigningKeys is an unresolved Key Vault reference (set the secret, then refresh the app's references).");
        if (!XQueueOptionsValidator.IsUnresolvedReference(jwt.SigningKeys)) CheckKeys(jwt.SigningKeys, "XQueue:Jwt:SigningKeys", check);
        var lmsKeys = !string.IsNullOrWhiteSpace(jwt.LmsJwks) || !string.IsNullOrWhiteSpace(jwt.LmsJwksUrl);
        check(lmsKeys == !string.IsNullOrWhiteSpace(jwt.LmsIssuer),
            "XQueue:Jwt:LmsIssuer and XQueue:Jwt:LmsJwks (or LmsJwksUrl) go together: the LMS's tokens are accepted only under its issuer, with its keys.");
        check(jwt.LmsIssuer != jwt.Issuer, "XQueue:Jwt:LmsIssuer must differ from XQueue:Jwt:Issuer (each issuer has its own keys).");
        if (!string.IsNullOrWhiteSpace(jwt.LmsJwks)) check(HasAsymmetricKey(jwt.LmsJwks), "XQueue:Jwt:LmsJwks must be a JWKS ({\"keys\": [...]}) with at least one RSA signing key.");
        if (!string.IsNullOrWhiteSpace(jwt.LmsJwksUrl))
        {
            check(Uri.TryCreate(jwt.LmsJwksUrl, UriKind.Absolute, out var url) && (url.Scheme == "https" || url.Scheme == "http" && url.IsLoopback),
                "XQueue:Jwt:LmsJwksUrl must be an absolute https URL.");
        }
        check(jwt.ClockSkew >= TimeSpan.Zero && jwt.ClockSkew <= TimeSpan.FromMinutes(5),
            $"XQueue:Jwt:ClockSkew must be between 00:00:00 and 00:05:00 (got {jwt.ClockSkew}).");
    }

    static void CheckPrincipals(string? setting, string key, Action<bool, string> check)
    {
        foreach (var entry in CommaList.Entries(setting))
        {
            check(!entry.Any(char.IsWhiteSpace) && !entry.StartsWith('=') && !entry.EndsWith('='),
                $"{key} has '{entry}': entries are names, token subjects, claim=value or *.");
        }
    }

    static void CheckKeys(string? setting, string key, Action<bool, string> check)
    {
        foreach (var value in CommaList.Entries(setting))
        {
            var buffer = new byte[value.Length];
            check(Convert.TryFromBase64String(value, buffer, out var written) && written >= 32, $"{key} must be base64 keys of at least 32 bytes each.");
        }
    }

    static void CheckRate(RateOptions rate, string name, Action<bool, string> check)
    {
        check(rate.Limit is >= 0 and <= 1_000_000, $"XQueue:Throttling:{name}:Limit must be between 0 (off) and 1000000 (got {rate.Limit}).");
        if (rate.Limit > 0)
        {
            check(rate.Window >= TimeSpan.FromMilliseconds(10) && rate.Window <= TimeSpan.FromDays(1),
                $"XQueue:Throttling:{name}:Window must be between 00:00:00.010 and 1.00:00:00 (got {rate.Window}).");
        }
    }

    static bool HasAsymmetricKey(string json)
    {
        try
        {
            return BearerTokenValidation.AsymmetricKeys(new JsonWebKeySet(json)).Any();
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
