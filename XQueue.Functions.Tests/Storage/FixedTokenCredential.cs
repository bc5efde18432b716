using Azure.Core;

namespace XQueue.Functions.Tests.Storage;

/// <summary>Hands out one made-up token and remembers the scopes it was asked for; no identity service involved.</summary>
internal sealed class FixedTokenCredential : TokenCredential
{
    public const string Token = "token-for-test";

    readonly List<string> scopes = [];

    public IReadOnlyList<string> Scopes
    {
        get { lock (scopes) return scopes.ToArray(); }
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        lock (scopes) scopes.AddRange(requestContext.Scopes);
        return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
