namespace XQueue.Functions.Configuration;

/// <summary>
/// <c>XQueue:Jwt</c>. Two kinds of issuer, each bound to its own keys: this service's operators sign
/// HS256 tokens with <see cref="SigningKeys"/> under <see cref="Issuer"/>; the LMS signs RS256 tokens
/// with the keys of its JWKS under <see cref="LmsIssuer"/>.
/// </summary>
public sealed class JwtOptions
{
    /// <summary>Issuer of self-issued (HS256) tokens.</summary>
    public string Issuer { get; set; } = "xqueue";

    /// <summary>Comma list of accepted audiences.</summary>
    [CommaSeparated("xqueue,lms-audience")]
    public string Audience { get; set; } = "xqueue";

    /// <summary>Comma list of base64 HS256 keys (≥ 32 bytes each); the first signs new tokens, all are accepted.</summary>
    [CommaSeparated("<newest base64 key>,<older base64 key>")]
    public string? SigningKeys { get; set; }

    /// <summary>Issuer of the LMS's tokens (its JWT_ISSUER); required with <see cref="LmsJwks"/> or <see cref="LmsJwksUrl"/>.</summary>
    public string? LmsIssuer { get; set; }

    /// <summary>The LMS's public keys as inline JWKS JSON (<c>{"keys": [...]}</c>).</summary>
    public string? LmsJwks { get; set; }

    /// <summary>URL of the LMS's JWKS, fetched and cached (refreshed daily, and at once on an unknown key id).</summary>
    public string? LmsJwksUrl { get; set; }

    /// <summary>Tolerated clock difference for exp and nbf.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary><c>XQueue:Throttling</c>: limits per instance, per principal (or per client address for logins).</summary>
public sealed class ThrottlingOptions
{
    /// <summary>get_submission and get_queuelen per principal.</summary>
    public RateOptions Polls { get; set; } = new() { Limit = 200, Window = TimeSpan.FromSeconds(1) };

    /// <summary>
    /// submit per principal; off by default. The LMS is one principal and shows the learner "Unable to deliver
    /// your submission to grader" for any non-200, with no retry: a limit here would cost learners their
    /// submissions at the exam peak. An opt-in guard against a runaway client.
    /// </summary>
    public RateOptions Submits { get; set; } = new() { Limit = 0, Window = TimeSpan.FromSeconds(1) };

    /// <summary>
    /// Failed logins per user name and per client address: <see cref="RateOptions.Limit"/> at once, then one
    /// more every Window ÷ Limit. Successful logins cost nothing, so the LMS logging in per submit is never slowed.
    /// </summary>
    public RateOptions LoginFailures { get; set; } = new() { Limit = 10, Window = TimeSpan.FromMinutes(1) };
}

public sealed class RateOptions
{
    /// <summary>Requests allowed per window; 0 turns the limit off.</summary>
    public int Limit { get; set; }

    public TimeSpan Window { get; set; }
}
