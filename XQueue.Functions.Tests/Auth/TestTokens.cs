using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace XQueue.Functions.Tests.Auth;

/// <summary>Tokens as the service's operators (HS256) and an LMS (RS256) would issue them, and forgeries of both.</summary>
public static class TestTokens
{
    public const string Issuer = "xqueue";
    public const string LmsIssuer = "https://lms.test/oauth2";
    public const string Audience = "xqueue";
    public static readonly string HsKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public static readonly string OldHsKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public static readonly RSA LmsRsa = RSA.Create(2048);
    public static readonly RsaSecurityKey LmsKey = new(LmsRsa) { KeyId = "lms-1" };

    public static string Jwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(LmsRsa.ExportParameters(false)) { KeyId = "lms-1" });
        jwk.Use = "sig";
        jwk.Alg = "RS256";
        return $"{{\"keys\": [{System.Text.Json.JsonSerializer.Serialize(new { kty = jwk.Kty, use = jwk.Use, alg = jwk.Alg, kid = jwk.Kid, n = jwk.N, e = jwk.E })}]}}";
    }

    /// <summary>Settings that make a service accept both kinds of token.</summary>
    public static Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["XQueue:Jwt:SigningKeys"] = $"{HsKey},{OldHsKey}",
            ["XQueue:Jwt:LmsIssuer"] = LmsIssuer,
            ["XQueue:Jwt:LmsJwks"] = Jwks(),
        };
        foreach (var (key, value) in more ?? new()) settings[key] = value;
        return settings;
    }

    public static string Hs(string sub, string scope, string? queues = null, string issuer = Issuer, string audience = Audience,
        TimeSpan? expiresIn = null, TimeSpan? notBeforeIn = null, string? key = null) =>
        Create(sub, scope, queues, issuer, audience, expiresIn, notBeforeIn,
            new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(key ?? HsKey)), SecurityAlgorithms.HmacSha256));

    public static string Rs(string sub, string scope, string issuer = LmsIssuer, RsaSecurityKey? key = null) =>
        Create(sub, scope, null, issuer, Audience, null, null, new SigningCredentials(key ?? LmsKey, SecurityAlgorithms.RsaSha256));

    /// <summary>HS256 "signed" with the LMS's public key, the classic algorithm-confusion forgery.</summary>
    public static string Confused(string sub, string scope, string issuer) =>
        Create(sub, scope, null, issuer, Audience, null, null, new SigningCredentials(
            new SymmetricSecurityKey(Encoding.UTF8.GetBytes(LmsRsa.ExportSubjectPublicKeyInfoPem())), SecurityAlgorithms.HmacSha256));

    /// <summary>An unsigned token, <c>alg: none</c>.</summary>
    public static string Unsigned(string sub, string scope)
    {
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." +
            Base64Url($"{{\"sub\":\"{sub}\",\"scope\":\"{scope}\",\"iss\":\"{Issuer}\",\"aud\":\"{Audience}\",\"exp\":{exp}}}") + ".";
    }

    static string Create(string sub, string scope, string? queues, string issuer, string audience, TimeSpan? expiresIn, TimeSpan? notBeforeIn,
        SigningCredentials credentials)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["scope"] = scope };
        if (queues is not null) claims["queues"] = queues.Split(',');
        var expires = now + (expiresIn ?? TimeSpan.FromHours(1));
        var notBefore = now + (notBeforeIn ?? TimeSpan.FromMinutes(-1));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", sub)]),
            Claims = claims,
            IssuedAt = notBefore < expires ? notBefore : expires.AddMinutes(-1),
            NotBefore = notBefore < expires ? notBefore : expires.AddMinutes(-1),
            Expires = expires,
            SigningCredentials = credentials,
        });
    }

    static string Base64Url(string json) => Base64UrlEncoder.Encode(json);
}
