using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Auth;

/// <summary>
/// <c>XQueue.Functions token issue --sub grader-1 --scope xqueue:score --queues a,b --ttl 30d</c>: prints a
/// token signed with the first of XQueue:Jwt:SigningKeys, for an operator to hand to a grader or an LMS.
/// </summary>
public static class TokenCommand
{
    public const string Usage = "usage: XQueue.Functions token issue --sub <subject> --scope <xqueue:submit|xqueue:score|xqueue:admin>[,…] [--queues a,b] [--ttl 30d]";
    static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var line = CommandLine.Parse(args, "--sub", "--scope", "--queues", "--ttl");
        var scopes = CommaList.Entries(line.Option("scope")?.Replace(' ', ','));
        var ttl = CommandLine.Duration(line.Option("ttl") ?? "30d");
        if (line.Words is not ["issue"] || string.IsNullOrWhiteSpace(line.Option("sub")) || scopes.Count == 0 ||
            scopes.Any(scope => !Scopes.All.Contains(scope)) || ttl is null || ttl > MaxLifetime)
        {
            error.WriteLine(Usage + " (ttl at most 366d)");
            return 2;
        }

        var jwt = OptionsOnly(line.ConfigurationArgs).Jwt;
        var key = BearerTokenValidation.SymmetricKeys(jwt).FirstOrDefault();
        if (key is null)
        {
            error.WriteLine("XQueue:Jwt:SigningKeys must hold a key to sign with (base64, at least 32 bytes).");
            return 2;
        }

        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["scope"] = string.Join(' ', scopes), ["jti"] = Guid.NewGuid().ToString("N") };
        if (CommaList.Entries(line.Option("queues")) is { Count: > 0 } queues) claims[QueueAccess.QueuesClaim] = queues.ToArray();
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = CommaList.Entries(jwt.Audience)[0],
            Subject = new ClaimsIdentity([new Claim("sub", line.Option("sub")!)]),
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + ttl.Value,
            SigningCredentials = new SigningCredentials(key, BearerTokenValidation.SymmetricAlgorithm),
        });
        output.WriteLine(token);
        return 0;
    }

    /// <summary>The service's configuration, validated as at start-up, without starting anything.</summary>
    public static XQueueOptions OptionsOnly(string[] configurationArgs)
    {
        using var app = Program.Build(configurationArgs);
        return app.Services.GetRequiredService<IOptions<XQueueOptions>>().Value;
    }
}
