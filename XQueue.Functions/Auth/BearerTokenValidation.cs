using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Auth;

/// <summary>
/// What a bearer token must be: signed (no <c>alg: none</c>), by a key of its own issuer — HS256 with one of
/// XQueue:Jwt:SigningKeys under XQueue:Jwt:Issuer, or RS256 with a key of the LMS's JWKS under
/// XQueue:Jwt:LmsIssuer — for one of our audiences, within its lifetime give or take a small skew.
/// Binding each key kind to its issuer and algorithm is what stops HS/RS confusion (an HS256 token "signed"
/// with the LMS's public key finds no symmetric key) and stops a holder of one kind minting the other.
/// </summary>
public static class BearerTokenValidation
{
    public const string SymmetricAlgorithm = SecurityAlgorithms.HmacSha256;
    public static readonly string[] AsymmetricAlgorithms = [SecurityAlgorithms.RsaSha256];

    public static TokenValidationParameters Parameters(JwtOptions options) => new()
    {
        ValidIssuers = Issuers(options),
        ValidAudiences = CommaList.Entries(options.Audience),
        ValidAlgorithms = [SymmetricAlgorithm, .. AsymmetricAlgorithms],
        IssuerSigningKeys = [.. SymmetricKeys(options), .. InlineLmsKeys(options)],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = options.ClockSkew,
        NameClaimType = "sub",
        RoleClaimType = ClaimTypes.Role,
        IssuerSigningKeyValidator = (key, token, _) => KeyFitsIssuer(key, token.Issuer, options),
    };

    /// <summary>The HS256 keys, newest (the signing one) first.</summary>
    public static IReadOnlyList<SymmetricSecurityKey> SymmetricKeys(JwtOptions options) =>
        CommaList.Entries(options.SigningKeys).Select(key => new SymmetricSecurityKey(Convert.FromBase64String(key))).ToArray();

    /// <summary>Signing keys of a JWKS, asymmetric only: a symmetric key published there would open HS/RS confusion.</summary>
    public static IEnumerable<SecurityKey> AsymmetricKeys(JsonWebKeySet jwks) =>
        jwks.GetSigningKeys().Where(key => key is not SymmetricSecurityKey && !(key is JsonWebKey { Kty: "oct" }));

    static IEnumerable<SecurityKey> InlineLmsKeys(JwtOptions options) =>
        string.IsNullOrWhiteSpace(options.LmsJwks) ? [] : AsymmetricKeys(new JsonWebKeySet(options.LmsJwks));

    static bool KeyFitsIssuer(SecurityKey key, string issuer, JwtOptions options) => key is SymmetricSecurityKey
        ? string.Equals(issuer, options.Issuer, StringComparison.Ordinal)
        : options.LmsIssuer is { Length: > 0 } lms && string.Equals(issuer, lms, StringComparison.Ordinal);

    static string[] Issuers(JwtOptions options) =>
        string.IsNullOrEmpty(options.LmsIssuer) ? [options.Issuer] : [options.Issuer, options.LmsIssuer];
}
