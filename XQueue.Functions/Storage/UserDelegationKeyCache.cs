using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace XQueue.Functions.Storage;

/// <summary>
/// The account's current user delegation key. Getting one is a storage call, so it is kept and shared by
/// every container, and fetched again only when it is about to expire or cannot cover the link asked for.
/// One fetch at a time: callers that arrive during a fetch wait for its key instead of asking too.
/// </summary>
public sealed class UserDelegationKeyCache(BlobServiceClient blobs, TimeProvider clock)
{
    /// <summary>How long a fresh key lasts when no link needs more; a day means about one fetch a day.</summary>
    public static readonly TimeSpan UsualLifetime = TimeSpan.FromDays(1);

    /// <summary>A key this close to its expiry is replaced rather than used.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    // Our clock and the service's may disagree a little: start the key this much in the past, and keep its
    // expiry this much inside the service's limit of 7 days from (its) now.
    static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    /// <summary>The furthest from now a key, and so a user delegation SAS, may expire.</summary>
    public static readonly TimeSpan LongestLifetime = TimeSpan.FromDays(7) - ClockSkewAllowance;

    readonly SemaphoreSlim fetching = new(1, 1);
    volatile UserDelegationKey? current;

    /// <summary>A key valid at least until <paramref name="coverUntil"/>, fetched only when the kept one is not.</summary>
    public async Task<UserDelegationKey> GetAsync(DateTimeOffset coverUntil, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (coverUntil > now + LongestLifetime)
        {
            throw new ArgumentOutOfRangeException(
                nameof(coverUntil), "A user delegation SAS must expire within 7 days (less 5 minutes for clock skew) from now.");
        }
        if (current is { } kept && Covers(kept, now, coverUntil)) return kept;

        await fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Whoever held the lock before may have just fetched a key that serves this caller too.
            now = clock.GetUtcNow();
            if (current is { } fresh && Covers(fresh, now, coverUntil)) return fresh;
            current = await FetchAsync(now, KeyExpiry(now, coverUntil), cancellationToken).ConfigureAwait(false);
            return current;
        }
        finally
        {
            fetching.Release();
        }
    }

    static bool Covers(UserDelegationKey key, DateTimeOffset now, DateTimeOffset coverUntil) =>
        key.SignedExpiresOn - RefreshMargin > now && key.SignedExpiresOn >= coverUntil;

    // The usual day, longer when a link needs it (plus the margin, so the key is not stale on arrival).
    static DateTimeOffset KeyExpiry(DateTimeOffset now, DateTimeOffset coverUntil)
    {
        var wanted = Max(now + UsualLifetime, coverUntil + RefreshMargin);
        return wanted < now + LongestLifetime ? wanted : now + LongestLifetime;
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    async Task<UserDelegationKey> FetchAsync(DateTimeOffset now, DateTimeOffset expiresOn, CancellationToken cancellationToken) =>
        (await blobs.GetUserDelegationKeyAsync(now - ClockSkewAllowance, expiresOn, cancellationToken).ConfigureAwait(false)).Value;
}
