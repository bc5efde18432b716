using Azure;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

public sealed class QueueClientTests
{
    static async Task<QueueClient> NewQueueAsync()
    {
        var queue = (await AzuriteAccount.CreateAsync()).GetQueue(AzuriteAccount.NewName("q"));
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    [Fact]
    public async Task Creating_twice_is_fine()
    {
        var queue = await NewQueueAsync();
        await queue.CreateIfNotExistsAsync();
        Assert.Equal(0, await queue.GetApproximateCountAsync());
    }

    [Fact]
    public async Task A_sent_message_is_received_with_its_text_and_metadata()
    {
        var queue = await NewQueueAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var sent = await queue.SendAsync("hello");
        var received = Assert.Single(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30)));

        Assert.False(string.IsNullOrEmpty(sent.PopReceipt));
        Assert.Equal(sent.MessageId, received.MessageId);
        Assert.Equal("hello", received.Text);
        Assert.Equal(1, received.DequeueCount);
        Assert.InRange(received.InsertionTime, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.True(received.TimeNextVisible > DateTimeOffset.UtcNow.AddSeconds(20));
    }

    [Fact]
    public async Task A_received_message_is_invisible_until_its_timeout_then_comes_back_with_a_higher_dequeue_count()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("lease me");

        var first = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1)));
        Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1)));
        Assert.Empty(await queue.PeekAsync(1));

        await WaitUntilVisibleAsync(queue);
        var second = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(1, first.DequeueCount);
        Assert.Equal(2, second.DequeueCount);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);
    }

    [Fact]
    public async Task A_delayed_message_stays_invisible_until_its_initial_visibility_timeout()
    {
        var queue = await NewQueueAsync();
        var sent = await queue.SendAsync("later", visibilityTimeout: TimeSpan.FromSeconds(1));

        Assert.True(sent.TimeNextVisible > DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Empty(await queue.PeekAsync(1));
        await WaitUntilVisibleAsync(queue);
        Assert.Equal("later", Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30))).Text);
    }

    [Fact]
    public async Task Updating_visibility_issues_a_new_pop_receipt_and_the_old_one_no_longer_deletes()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("renew me");
        var received = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));

        var updated = await queue.UpdateVisibilityAsync(received.MessageId, received.PopReceipt, TimeSpan.FromSeconds(60));

        Assert.NotEqual(received.PopReceipt, updated.PopReceipt);
        Assert.True(updated.TimeNextVisible > DateTimeOffset.UtcNow.AddSeconds(45));
        Assert.False(await queue.DeleteAsync(received.MessageId, received.PopReceipt));
        Assert.True(await queue.DeleteAsync(received.MessageId, updated.PopReceipt));
        Assert.Equal(0, await queue.GetApproximateCountAsync());
    }

    [Fact]
    public async Task Updating_visibility_to_zero_releases_the_message_at_once()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("release me");
        var received = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));

        await queue.UpdateVisibilityAsync(received.MessageId, received.PopReceipt, TimeSpan.Zero);

        Assert.Equal(received.MessageId, Assert.Single(await queue.PeekAsync(1)).MessageId);
    }

    [Fact]
    public async Task Deleting_removes_the_message_and_deleting_again_is_false()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("bye");
        var received = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));

        Assert.True(await queue.DeleteAsync(received.MessageId, received.PopReceipt));
        Assert.False(await queue.DeleteAsync(received.MessageId, received.PopReceipt));
        Assert.Empty(await queue.PeekAsync(32));
    }

    [Fact]
    public async Task Peek_shows_messages_without_taking_them()
    {
        var queue = await NewQueueAsync();
        var sent = await queue.SendAsync("look");

        var peeked = Assert.Single(await queue.PeekAsync(32));
        Assert.Equal(sent.MessageId, peeked.MessageId);
        Assert.Equal("look", peeked.Text);
        Assert.Equal(0, peeked.DequeueCount);

        var received = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal(1, received.DequeueCount);
    }

    [Fact]
    public async Task Approximate_count_includes_invisible_messages()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 3; i++) await queue.SendAsync($"m{i}");
        await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30));

        Assert.Equal(3, await queue.GetApproximateCountAsync());
    }

    [Fact]
    public async Task Receive_returns_up_to_the_requested_number_of_messages()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 5; i++) await queue.SendAsync($"m{i}");

        Assert.Equal(3, (await queue.ReceiveAsync(3, TimeSpan.FromSeconds(30))).Count);
        Assert.Equal(2, (await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30))).Count);
    }

    [Theory]
    [InlineData("<tag attr=\"v\">&amp; 'quoted' </tag> ]]> <![CDATA[x]]>")]
    [InlineData("ünïcødé 日本語 emoji 🎉 and ∑")]
    [InlineData("  leading and trailing spaces, a\ttab, and\r\nCRLF and\nLF  ")]
    [InlineData("{\"json\":\"with \\\"escapes\\\"\",\"n\":[1,2]}")]
    [InlineData("")]
    public async Task Text_round_trips_exactly(string text)
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync(text);

        Assert.Equal(text, Assert.Single(await queue.PeekAsync(1)).Text);
        Assert.Equal(text, Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30))).Text);
    }

    [Fact]
    public async Task Time_to_live_can_be_given_or_infinite()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("forever", timeToLive: Timeout.InfiniteTimeSpan);
        await queue.SendAsync("an hour", timeToLive: TimeSpan.FromHours(1));

        var texts = (await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30))).Select(m => m.Text).Order();
        Assert.Equal(["an hour", "forever"], texts);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public async Task Receive_and_peek_accept_1_to_32_messages(int count)
    {
        var queue = (await AzuriteAccount.CreateAsync()).GetQueue(AzuriteAccount.NewName());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveAsync(count, TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.PeekAsync(count));
    }

    [Theory]
    [InlineData("UPPER")]
    [InlineData("a")]
    [InlineData("a--b")]
    [InlineData("-ab")]
    [InlineData("ab/cd")]
    public async Task Invalid_queue_names_are_rejected_before_any_request(string name)
    {
        var account = await AzuriteAccount.CreateAsync();
        Assert.Throws<ArgumentException>(() => account.GetQueue(name));
    }

    /// <summary>Polls with Peek (which leaves visibility alone) until a message shows up.</summary>
    static async Task WaitUntilVisibleAsync(QueueClient queue)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while ((await queue.PeekAsync(1)).Count == 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "The message never became visible again.");
            await Task.Delay(200);
        }
    }
}
