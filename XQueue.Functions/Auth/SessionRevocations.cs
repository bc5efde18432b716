using Azure.Data.Tables;
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
        await keys.Table.UpsertEntityAsync(new TableEntity(Partition, sessionId) { ["ExpiresAt"] = expiresAt }, TableUpdateMode.Replace, cancellationToken);
        cache.Set(CacheKey(sessionId), true, expiresAt);
    }

    public async Task<bool> IsRevokedAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (cache.TryGetValue(CacheKey(sessionId), out bool revoked)) return revoked;
        try
        {
            revoked = await keys.Table.FindAsync(Partition, sessionId, cancellationToken) is not null;
            cache.Set(CacheKey(sessionId), revoked, CacheFor);
            return revoked;
        }
        catch (Azure.RequestFailedException)
        {
            // Storage is down: everything a session unlocks needs storage too, so nothing is exposed by carrying
            // on (and /xqueue/status/ keeps answering). Remembered briefly, so each request of an outage does not
            // wait for the same failure again.
            cache.Set(CacheKey(sessionId), false, TimeSpan.FromSeconds(5));
            return false;
        }
    }

    static string CacheKey(string sessionId) => "revoked:" + sessionId;
}
