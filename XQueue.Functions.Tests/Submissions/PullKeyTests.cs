using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>The sealed pull key: what goes in comes out, and nothing else opens.</summary>
public sealed class PullKeyTests
{
    static readonly PullKey Sample = new(
        "MITx-6.00x", 123_456_789, Guid.NewGuid().ToString("D"), "AgAAAAMAAAAAAAAAxyz+/=", DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123), 3,
        "grader-é", "2001:db8::1");

    [Fact]
    public async Task A_key_opens_to_what_was_sealed_and_an_altered_or_foreign_one_does_not_open()
    {
        await using var service = await TestService.StartAsync();
        var keys = service.Get<PullKeys>();

        var key = keys.For(Sample);
        Assert.Matches("^[A-Za-z0-9_-]+$", key);
        Assert.Equal(Sample, keys.Open(key));
        Assert.Equal(key, keys.For(Sample)); // the same pull, the same key: the dashboard shows it without storing it
        Assert.NotEqual(key, keys.For(Sample with { Receipt = "another receipt" }));
        Assert.Equal(Sample with { Grader = null, Address = null }, keys.Open(keys.For(Sample with { Grader = null, Address = null })));

        var altered = key[..20] + (key[20] == 'A' ? 'B' : 'A') + key[21..];
        foreach (var bad in new[] { altered, key[..^2], key + "AA", "", "0000000000000000000000000000000", "not a key!", new string('A', 5000) })
        {
            Assert.Null(keys.Open(bad));
        }

        // Another service's session key: its keys do not open here.
        await using var other = await TestService.StartAsync();
        Assert.Null(keys.Open(other.Get<PullKeys>().For(Sample)));
    }
}
