using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using XQueue.Functions.Configuration;
using XQueue.Functions.Hosting;

namespace XQueue.Functions.Auth;

/// <summary>
/// <c>XQueue.Functions token issue --sub grader-1 --scope xqueue:score --queues a,b --ttl 30d</c>: prints a
/// token signed with the first of XQueue:Jwt:SigningKeys, for an operator to hand to a grader or an LMS.
/// It reads only what it uses: XQueue:Jwt, and the declared queues when <c>--queues</c> names some (so a
/// typo there is refused instead of making a token that opens nothing). No storage, no other setting.
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

        var xqueue = AppBuilder.Create(line.ConfigurationArgs).Configuration.GetSection(XQueueOptions.Section);
        var jwt = xqueue.GetSection(nameof(XQueueOptions.Jwt)).GetChecked<JwtOptions>() ?? new JwtOptions();
        var queues = CommaList.Entries(line.Option("queues"));
        var problems = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok) problems.Add(message);
        }
        AuthOptionsChecks.CheckJwt(jwt, Check);
        // Valid settings may still hold no key of ours (an app that accepts only the LMS's tokens).
        var key = problems.Count == 0 ? BearerTokenValidation.SymmetricKeys(jwt).FirstOrDefault() : null;
        Check(problems.Count > 0 || key is not null, "XQueue:Jwt:SigningKeys must hold a key to sign with (base64, at least 32 bytes).");
        if (queues.Count > 0) CheckQueues(queues, xqueue, Check);
        if (problems.Count > 0)
        {
            foreach (var problem in problems) error.WriteLine(problem);
            return 2;
        }

        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["scope"] = string.Join(' ', scopes), ["jti"] = Guid.NewGuid().ToString("N") };
        if (queues.Count > 0) claims[QueueAccess.QueuesClaim] = queues.ToArray();
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

    // Queue names are case-sensitive on the wire, so they are compared as the token will be.
    static void CheckQueues(IReadOnlyList<string> queues, IConfigurationSection xqueue, Action<bool, string> check)
    {
        var declared = new XQueueOptions { QueuesJson = xqueue.GetSection(nameof(XQueueOptions.QueuesJson)).GetChecked<string>() };
        if (!string.IsNullOrWhiteSpace(declared.QueuesJson) && !QueuesJson.TryParse(declared.QueuesJson, out _, out var jsonError))
        {
            check(false, jsonError!);
            return;
        }
        ConfigurationServices.DeclareQueues(declared, xqueue);
        var names = declared.Queues.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var queue in queues)
        {
            check(names.Contains(queue, StringComparer.Ordinal), names.Count == 0
                ? $"--queues names '{queue}', but no queue is declared to check it against (XQueue:Queues or XQueue:QueuesJson, as for the app)."
                : $"--queues names '{queue}', which is not a declared queue (declared: {string.Join(", ", names)}).");
        }
    }
}
