using Azure.Core;
using Azure.Core.Pipeline;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>Azure.Core's retry policy is in the pipeline, and each attempt is re-dated and re-signed.</summary>
public sealed class RetryTests
{
    [Fact]
    public async Task A_503_on_the_first_attempt_is_retried_and_the_call_succeeds()
    {
        var fault = new FailFirstAttemptPolicy(503);
        var options = new StorageClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.AddPolicy(fault, HttpPipelinePosition.PerRetry);
        var queue = (await AzuriteAccount.CreateAsync(options)).GetQueue(AzuriteAccount.NewName("retry"));

        await queue.CreateIfNotExistsAsync();
        await queue.SendAsync("after a fault");

        Assert.Equal(3, fault.Attempts); // create: faulted + retried; send: once
        Assert.Equal("after a fault", Assert.Single(await queue.PeekAsync(1)).Text);
    }

    [Fact]
    public async Task A_retry_a_second_later_carries_a_new_date_and_a_signature_the_service_accepts()
    {
        var fault = new FailFirstAttemptPolicy(500);
        var options = new StorageClientOptions();
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.Delay = TimeSpan.FromMilliseconds(2500); // past the jitter, into another second of x-ms-date
        options.AddPolicy(fault, HttpPipelinePosition.PerRetry);
        var table = (await AzuriteAccount.CreateAsync(options)).GetTable(AzuriteAccount.NewTableName());

        await table.CreateIfNotExistsAsync();

        Assert.Equal(2, fault.Dates.Count);
        Assert.NotEqual(fault.Dates[0], fault.Dates[1]);
        Assert.NotEqual(fault.Signatures[0], fault.Signatures[1]);
        Assert.Null(await table.GetAsync("p", "r")); // the table exists: the retried create went through
    }

    [Fact]
    public async Task A_non_retriable_status_is_not_retried()
    {
        var fault = new FailFirstAttemptPolicy(400);
        var options = new StorageClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.AddPolicy(fault, HttpPipelinePosition.PerRetry);
        var queue = (await AzuriteAccount.CreateAsync(options)).GetQueue(AzuriteAccount.NewName("noretry"));

        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => queue.CreateIfNotExistsAsync());

        Assert.Equal(400, error.Status);
        Assert.Equal(1, fault.Attempts);
    }

    /// <summary>Answers the pipeline's first attempt itself with <paramref name="status"/>; lets the rest through.</summary>
    sealed class FailFirstAttemptPolicy(int status) : HttpPipelinePolicy
    {
        public int Attempts { get; private set; }

        public List<string> Dates { get; } = [];

        // Compared, never printed: a signature does not belong in test output either.
        public List<string> Signatures { get; } = [];

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The storage clients are async only.");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Attempts++;
            Dates.Add(message.Request.Headers.TryGetValue("x-ms-date", out var date) ? date : "");
            Signatures.Add(message.Request.Headers.TryGetValue("Authorization", out var signature) ? signature : "");
            if (Attempts == 1)
            {
                message.Response = new CannedResponse(status, ("x-ms-error-code", "InjectedFault"));
                return;
            }
            await ProcessNextAsync(message, pipeline);
        }
    }
}
