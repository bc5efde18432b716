using System.Text.RegularExpressions;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Tests.Submissions;

/// <summary>Pure rules: submission ids and the Storage Queue names derived from XQueue queue names.</summary>
public sealed partial class NamingTests
{
    [Fact]
    public void Ids_are_positive_below_2_to_the_53_and_grow_with_time()
    {
        var now = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 1000).Select(_ => SubmissionId.New(now)).ToArray();
        Assert.All(ids, id => Assert.True(SubmissionId.IsValid(id)));
        Assert.True(SubmissionId.New(now.AddMilliseconds(1)) > ids.Max());
        Assert.True(SubmissionId.New(new DateTimeOffset(2090, 1, 1, 0, 0, 0, TimeSpan.Zero)) < 1L << 53);
    }

    [Fact]
    public void Partition_keys_sort_newest_first()
    {
        var older = SubmissionId.New(DateTimeOffset.UtcNow);
        var newer = SubmissionId.New(DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.True(string.CompareOrdinal(SubmissionId.PartitionKey(newer), SubmissionId.PartitionKey(older)) < 0);
        Assert.Equal(16, SubmissionId.PartitionKey(older).Length);
    }

    [Theory]
    [InlineData("test-pull")]
    [InlineData("MITx-6.00x")]
    [InlineData("mitx-6_00x")]
    [InlineData("---")]
    [InlineData("日本語のキュー")]
    [InlineData("a")]
    [InlineData("An extremely long queue name that goes well past what a storage queue name allows, 2026 edition")]
    public void Work_queue_names_are_valid_storage_queue_names(string xqueueName)
    {
        foreach (var prefix in new[] { "", "t0123456789abcde" })
        {
            var name = new StorageNames(prefix).WorkQueue(xqueueName);
            Assert.Matches(ValidQueueName(), name);
            Assert.DoesNotContain("--", name);
            Assert.InRange(name.Length, 3, 63);
        }
    }

    [Fact]
    public void Distinct_xqueue_names_get_distinct_storage_queues_even_when_their_slugs_collide()
    {
        var names = new StorageNames("");
        Assert.NotEqual(names.WorkQueue("MITx-6.00x"), names.WorkQueue("mitx-6_00x"));
        Assert.StartsWith("q-mitx-6-00x-", names.WorkQueue("MITx-6.00x"));
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex ValidQueueName();
}
