using Microsoft.Extensions.Caching.Memory;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Auth;

/// <summary>
/// Sessions ended by logout. A signed token stays valid until it expires, so logout records its id;
/// checks are cached briefly per instance: logout is immediate where it happened, and everywhere within
/// <see cref="CacheFor"/>.
/// </summary>
public sealed class SessionRevocations(SessionKeys keys, IMemoryCache cache)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    const string Partition = "revoked";

    public async Task RevokeAsync(string sessionId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await keys.Table.UpsertAsync(new TableEntity(Partition, sessionId) { ["ExpiresAt"] = expiresAt }, TableUpdateMode.Replace, cancellationToken);
        cache.Set(CacheKey(sessionId), true, expiresAt);
    }

    public async Task<bool> IsRevokedAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (cache.TryGetValue(CacheKey(sessionId), out bool revoked)) return revoked;
        revoked = await keys.Table.GetAsync(Partition, sessionId, cancellationToken) is not null;
        cache.Set(CacheKey(sessionId), revoked, CacheFor);
        return revoked;
    }

    static string CacheKey(string sessionId) => "revoked:" + sessionId;
}
