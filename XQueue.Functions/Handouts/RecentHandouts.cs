using Microsoft.Extensions.Caching.Memory;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Handouts;

/// <summary>
/// The submissions this instance handed out lately, by pull key, so a put_result that lands on the same instance does
/// not read the entity again. Only a cache: a miss (another instance pulled, or the entry expired) reads the entity,
/// and the result is the same either way.
/// </summary>
public sealed class RecentHandouts(IMemoryCache cache)
{
    static readonly TimeSpan KeptAfterLease = TimeSpan.FromMinutes(1);

    public void Remember(Submission pulled, TimeSpan lease) =>
        cache.Set(new Entry(pulled.PullKey!), pulled, lease + KeptAfterLease);

    public Submission? Find(string key) => cache.TryGetValue(new Entry(key), out Submission? pulled) ? pulled : null;

    public void Forget(string key) => cache.Remove(new Entry(key));

    // Its own key type, so no other user of the shared cache can collide with a pull key.
    sealed record Entry(string Key);
}
