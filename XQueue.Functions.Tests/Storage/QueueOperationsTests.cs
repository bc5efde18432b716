using Azure.Storage.Queues;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>The queue operations the service builds on, against Azurite through the app's own clients.</summary>
public sealed class QueueOperationsTests
{
    static async Task<QueueClient> NewQueueAsync()
    {
        var queue = (await AzuriteAccount.CreateAsync()).GetQueue(AzuriteAccount.NewName("q"));
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    [Fact]
    public async Task Messages_are_plain_text_and_never_expire()
    {
        var queue = await NewQueueAsync();
        await queue.EnqueueAsync("123:<&>\"é");

        var peeked = Assert.Single((await queue.PeekMessagesAsync(1)).Value);
        Assert.Equal("123:<&>\"é", peeked.Body.ToString()); // not base64: every reader, the score-event relay included, reads text
        Assert.Equal(DateTimeOffset.MaxValue.Year, peeked.ExpiresOn!.Value.Year);
    }

    [Fact]
    public async Task A_lease_in_fractions_of_a_second_is_rounded_up_never_down()
    {
        var queue = await NewQueueAsync();
        await queue.EnqueueAsync("short lease");

        var before = DateTimeOffset.UtcNow;
        var leased = Assert.Single(await queue.LeaseAsync(1, TimeSpan.FromMilliseconds(200)));

        // Sent as 0 (the SDK truncates to whole seconds) the message would be visible at once; rounded up it is hidden
        // for a second, and the service's time of next visibility (to the second) is past the moment the lease began.
        Assert.True(leased.NextVisibleOn > before, $"next visible {leased.NextVisibleOn:O}, lease taken at {before:O}");
    }

    [Fact]
    public async Task Hiding_a_message_gives_a_new_receipt_and_the_old_one_no_longer_deletes()
    {
        var queue = await NewQueueAsync();
        await queue.EnqueueAsync("renew me");
        var received = Assert.Single(await queue.LeaseAsync(1, TimeSpan.FromSeconds(30)));

        var moved = await queue.HideAsync(received.MessageId, received.PopReceipt, TimeSpan.FromSeconds(60));

        Assert.NotEqual(received.PopReceipt, moved.PopReceipt);
        Assert.True(moved.NextVisibleOn > DateTimeOffset.UtcNow.AddSeconds(45));
        Assert.False(await queue.TryDeleteAsync(received.MessageId, received.PopReceipt));
        Assert.True(await queue.TryDeleteAsync(received.MessageId, moved.PopReceipt));
        Assert.False(await queue.TryDeleteAsync(received.MessageId, moved.PopReceipt));
        Assert.Equal(0, await queue.ApproximateCountAsync());
    }

    [Fact]
    public async Task A_message_sent_hidden_stays_out_of_reach_and_the_count_includes_it()
    {
        var queue = await NewQueueAsync();
        await queue.EnqueueAsync("later", hiddenFor: TimeSpan.FromSeconds(30));
        await queue.EnqueueAsync("now");

        Assert.Equal("now", Assert.Single(await queue.LeaseAsync(32, TimeSpan.FromSeconds(30))).Body.ToString());
        Assert.Equal(2, await queue.ApproximateCountAsync());
    }

    [Fact]
    public async Task Deleting_from_a_missing_queue_throws_rather_than_answering_false()
    {
        var queue = (await AzuriteAccount.CreateAsync()).GetQueue(AzuriteAccount.NewName("none"));

        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => queue.TryDeleteAsync("id", "receipt"));

        Assert.Equal("QueueNotFound", error.ErrorCode);
    }
}
