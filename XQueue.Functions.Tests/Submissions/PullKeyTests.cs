using XQueue.Functions.Submissions;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Handouts;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>The sealed pull key: what goes in comes out, and nothing else opens.</summary>
public sealed class PullKeyTests
{
    static readonly PullKey Sample = new(
        "MITx-6.00x", 123_456_789, Guid.NewGuid().ToString("D"), "AgAAAAMAAAAAAAAAxyz+/=", DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123), 3,
        "grader-é", "2001:db8::1", "W/\"datetime'2026-12-08T02%3A21%3A47.1234567Z'\"");

    [Fact]
    public async Task A_key_opens_to_what_was_sealed_and_an_altered_or_foreign_one_does_not_open()
    {
        await using var service = await TestService.StartAsync();
        var keys = service.Get<PullKeys>();

        var key = keys.For(Sample);
        Assert.Matches("^[A-Za-z0-9_-]+$", key);
        Assert.InRange(key.Length, 150, 200); // docs/architecture.md: about 185 characters for an ordinary queue, grader and address
        Assert.Equal(Sample, keys.Open(key));
        // A table ETag travels as its timestamp's ticks; one in another form travels as it is, and a key may carry none.
        Assert.Equal(Sample with { RowETag = "W/\"0x8DE1A2B3C4D5E6F\"" }, keys.Open(keys.For(Sample with { RowETag = "W/\"0x8DE1A2B3C4D5E6F\"" })));
        Assert.Equal(Sample with { RowETag = null }, keys.Open(keys.For(Sample with { RowETag = null })));
        Assert.True(keys.For(Sample with { RowETag = null }).Length + 16 >= key.Length, "a row's ETag adds at most 10 bytes to the key");
        Assert.Equal(key, keys.For(Sample)); // the same pull, the same key: the dashboard shows it without storing it
        Assert.NotEqual(key, keys.For(Sample with { Receipt = "another receipt" }));
        Assert.Equal(Sample with { Grader = null, Address = null }, keys.Open(keys.For(Sample with { Grader = null, Address = null })));

        var altered = key[..20] + (key[20] == 'A' ? 'B' : 'A') + key[21..];
        foreach (var bad in new[] { altered, key[..^2], key + "AA", "", "0000000000000000000000000000000", "not a key!", new string('A', 5000) })
        {
            Assert.Null(keys.Open(bad));
        }

        // Every fact a put_result needs travels whole, however long (a queue name of 128 characters, none ASCII); a
        // grader's name, only shown, is cut to 200 bytes.
        var longer = Sample with { Queue = new string('é', 128), Grader = new string('g', 500) };
        var opened = keys.Open(keys.For(longer));
        Assert.Equal(longer.Queue, opened!.Queue);
        Assert.Equal(new string('g', 200), opened.Grader);

        // Another service's session key: its keys do not open here.
        await using var other = await TestService.StartAsync();
        Assert.Null(keys.Open(other.Get<PullKeys>().For(Sample)));
    }
}
