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
        var faults = new FailFirstAttempt(HttpStatusCode.ServiceUnavailable);
        var queue = await QueueThroughAsync(faults);

        await queue.CreateIfNotExistsAsync();
        await queue.EnqueueAsync("after a fault");

        Assert.Equal(3, faults.Attempts); // create: faulted + retried; send: once
        Assert.Equal("after a fault", Assert.Single((await queue.PeekMessagesAsync(1)).Value).Body.ToString());
    }

    [Fact]
    public async Task A_non_retriable_status_is_not_retried()
    {
        var faults = new FailFirstAttempt(HttpStatusCode.BadRequest);
        var queue = await QueueThroughAsync(faults);

        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => queue.CreateIfNotExistsAsync());

        Assert.Equal(400, error.Status);
        Assert.Equal(1, faults.Attempts);
    }

    static async Task<Azure.Storage.Queues.QueueClient> QueueThroughAsync(FailFirstAttempt faults)
    {
        var account = await AzuriteAccount.CreateAsync(services =>
            StoragePipeline.Settings(services).Transport = new Azure.Core.Pipeline.HttpClientTransport(new HttpClient(faults)));
        return account.GetQueue(AzuriteAccount.NewName("retry"));
    }

    /// <summary>The wire below the clients: answers the first request itself with a fault, passes the rest to Azurite.</summary>
    sealed class FailFirstAttempt(HttpStatusCode status) : DelegatingHandler(new SocketsHttpHandler())
    {
        int attempts;

        public int Attempts => Volatile.Read(ref attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref attempts) == 1
                ? Task.FromResult(new HttpResponseMessage(status) { Headers = { { "x-ms-error-code", "InjectedFault" } } })
                : base.SendAsync(request, cancellationToken);
    }
}
