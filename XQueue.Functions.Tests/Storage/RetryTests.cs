using System.Net;
using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Storage;

/// <summary>The app's storage clients retry what may pass (a 503, a reset connection) and nothing else.</summary>
public sealed class RetryTests
{
    [Fact]
    public async Task A_503_on_the_first_attempt_is_retried_and_the_call_succeeds()
    {
        var faults = new FailAttempts(HttpStatusCode.ServiceUnavailable);
        var queue = await QueueThroughAsync(faults);

        await queue.CreateIfNotExistsAsync();
        await queue.EnqueueAsync("after a fault");

        Assert.Equal(3, faults.Attempts); // create: faulted + retried; send: once
        Assert.Equal("after a fault", Assert.Single((await queue.PeekMessagesAsync(1)).Value).Body.ToString());
    }

    [Fact]
    public async Task A_non_retriable_status_is_not_retried()
    {
        var faults = new FailAttempts(HttpStatusCode.BadRequest);
        var queue = await QueueThroughAsync(faults);

        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => queue.CreateIfNotExistsAsync());

        Assert.Equal(400, error.Status);
        Assert.Equal(1, faults.Attempts);
    }

    [Fact]
    public async Task A_call_is_retried_while_its_patience_lasts_and_given_up_after_at_most_one_more_delay()
    {
        var faults = new FailAttempts(HttpStatusCode.ServiceUnavailable, failing: int.MaxValue);
        var queue = await QueueThroughAsync(faults);
        var patience = TimeSpan.FromSeconds(1.5);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (StoragePatience.Use(patience)) await Assert.ThrowsAsync<Azure.RequestFailedException>(() => queue.PeekMessagesAsync(1));

        // Delays of 100, 200, 400, 800 ms (±20 %) fit about four retries into 1.5 s; the last delay is at most 1 s.
        Assert.InRange(faults.Attempts, 4, 8);
        Assert.InRange(clock.Elapsed, patience, patience + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_call_with_no_patience_is_tried_once()
    {
        var faults = new FailAttempts(HttpStatusCode.ServiceUnavailable, failing: int.MaxValue);
        var queue = await QueueThroughAsync(faults);

        using (StoragePatience.Use(TimeSpan.Zero)) await Assert.ThrowsAsync<Azure.RequestFailedException>(() => queue.PeekMessagesAsync(1));

        Assert.Equal(1, faults.Attempts);
    }

    [Fact]
    public async Task A_call_storage_does_not_answer_is_tried_three_times_quickly_whatever_the_patience()
    {
        var wire = new Unreachable();
        var account = await AzuriteAccount.CreateAsync(services =>
            StoragePipeline.Settings(services).Transport = new Azure.Core.Pipeline.HttpClientTransport(new HttpClient(wire)));
        var queue = account.GetQueue(AzuriteAccount.NewName("retry"));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (StoragePatience.Use(TimeSpan.FromSeconds(30))) await Assert.ThrowsAsync<Azure.RequestFailedException>(() => queue.PeekMessagesAsync(1));

        // Storage down is not storage busy: the caller hears it within xqueue-watcher's 1 s, not after the patience.
        Assert.Equal(3, wire.Attempts);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{clock.Elapsed}");
    }

    /// <summary>A wire on which every connection is refused.</summary>
    sealed class Unreachable : HttpMessageHandler
    {
        int attempts;

        public int Attempts => Volatile.Read(ref attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref attempts);
            throw new HttpRequestException("Connection refused");
        }
    }

    static async Task<Azure.Storage.Queues.QueueClient> QueueThroughAsync(FailAttempts faults)
    {
        var account = await AzuriteAccount.CreateAsync(services =>
            StoragePipeline.Settings(services).Transport = new Azure.Core.Pipeline.HttpClientTransport(new HttpClient(faults)));
        return account.GetQueue(AzuriteAccount.NewName("retry"));
    }

    /// <summary>The wire below the clients: answers the first <paramref name="failing"/> requests itself with a fault, passes the rest to Azurite.</summary>
    sealed class FailAttempts(HttpStatusCode status, int failing = 1) : DelegatingHandler(new SocketsHttpHandler())
    {
        int attempts;

        public int Attempts => Volatile.Read(ref attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref attempts) <= failing
                ? Task.FromResult(new HttpResponseMessage(status) { Headers = { { "x-ms-error-code", "InjectedFault" } } })
                : base.SendAsync(request, cancellationToken);
    }
}
