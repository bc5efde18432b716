using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;

namespace XQueue.Functions.Auth;

public sealed record SessionClaims(
    [property: JsonPropertyName("sub")] string User,
    [property: JsonPropertyName("sid")] string SessionId,
    [property: JsonPropertyName("roles")] string Roles,
    [property: JsonPropertyName("exp")] long ExpiresAt);

/// <summary>
/// Session cookies as signed tokens (payload.HMAC-SHA256), so every instance accepts them and a restart
/// loses nothing; no session store. Logout is recorded by <see cref="SessionRevocations"/>.
/// </summary>
public sealed class SessionTokens(SessionKeys keys, TimeProvider time)
{
    public string Issue(SessionClaims claims)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims, SessionJson.Default.SessionClaims);
        return WebEncoders.Base64UrlEncode(payload) + "." + WebEncoders.Base64UrlEncode(Sign(payload));
    }

    public SessionClaims? Validate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096) return null;
        var dot = token.IndexOf('.');
        if (dot <= 0) return null;
        try
        {
            var payload = WebEncoders.Base64UrlDecode(token, 0, dot);
            var signature = WebEncoders.Base64UrlDecode(token, dot + 1, token.Length - dot - 1);
            if (!keys.Accepted.Any(key => CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(key, payload)))) return null;
            var claims = JsonSerializer.Deserialize(payload, SessionJson.Default.SessionClaims);
            return claims is not null && claims.ExpiresAt > time.GetUtcNow().ToUnixTimeSeconds() ? claims : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    byte[] Sign(byte[] payload) => HMACSHA256.HashData(keys.Current, payload);

    public static string NewSessionId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

[JsonSerializable(typeof(SessionClaims))]
internal sealed partial class SessionJson : JsonSerializerContext;
