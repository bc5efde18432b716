using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Azure;
using Azure.Core.Pipeline;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

public sealed class RequestMetricsTests
{
    [Fact]
    public async Task Every_call_is_counted_once_by_service_and_operation()
    {
        using var counts = new OwnRequestCounts();

        var account = await AzuriteAccount.CreateAsync();
        var queue = account.GetQueue(AzuriteAccount.NewName("m"));
        await queue.CreateIfNotExistsAsync();
        await queue.SendAsync("one");
        await queue.SendAsync("two");
        var received = await queue.ReceiveAsync(2, TimeSpan.FromSeconds(30));
        await queue.DeleteAsync(received[0].MessageId, received[0].PopReceipt);
        var container = account.GetContainer(AzuriteAccount.NewName("m"));
        await container.CreateIfNotExistsAsync();
        await container.UploadAsync("b", BinaryData.FromString("x"));
        await container.DownloadAsync("b");
        var table = account.GetTable(AzuriteAccount.NewTableName());
        await table.CreateIfNotExistsAsync();
        await table.UpsertAsync(new TableEntity("p", "r") { ["N"] = 1 }, TableUpdateMode.Merge);
        await table.QueryAsync(null);

        Assert.Equal(
            new Dictionary<(string, string), long>
            {
                [("queue", "queue.create")] = 1,
                [("queue", "queue.send")] = 2,
                [("queue", "queue.receive")] = 1,
                [("queue", "queue.delete")] = 1,
                [("blob", "blob.create-container")] = 1,
                [("blob", "blob.upload")] = 1,
                [("blob", "blob.download")] = 1,
                [("table", "table.create")] = 1,
                [("table", "table.merge")] = 1,
                [("table", "table.query")] = 1,
            },
            counts.Snapshot());
    }

    [Fact]
    public async Task A_retried_call_counts_once_because_the_counter_is_per_call()
    {
        using var counts = new OwnRequestCounts();
        var transport = new AlwaysUnavailable();
        var options = new StorageClientOptions
        {
            Retry = { Delay = TimeSpan.FromMilliseconds(1), MaxRetries = 2 },
            Transport = new HttpClientTransport(new HttpClient(transport)),
        };
        var queue = new StorageAccount(StorageConnection.Parse("UseDevelopmentStorage=true"), options).GetQueue("anything");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.PeekAsync(1));

        Assert.Equal(503, error.Status);
        Assert.Equal(3, transport.Attempts);
        Assert.Equal(new Dictionary<(string, string), long> { [("queue", "queue.peek")] = 1 }, counts.Snapshot());
    }

    /// <summary>
    /// Listens to the storage request counter but keeps only measurements made in the creating test's own
    /// async flow: the meter is process-wide and other tests run in parallel.
    /// </summary>
    sealed class OwnRequestCounts : IDisposable
    {
        static readonly AsyncLocal<OwnRequestCounts?> current = new();
        readonly ConcurrentDictionary<(string, string), long> counts = new();
        readonly MeterListener listener = new();

        public OwnRequestCounts()
        {
            current.Value = this; // set synchronously, so the creating test's flow (and its children) see it
            listener.InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Meter.Name == "XQueue.Storage" && instrument.Name == "xqueue.storage.requests")
                    meterListener.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                if (current.Value != this) return;
                string? service = null, operation = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "service") service = tag.Value as string;
                    if (tag.Key == "operation") operation = tag.Value as string;
                }
                counts.AddOrUpdate((service ?? "?", operation ?? "?"), value, (_, total) => total + value);
            });
            listener.Start();
        }

        public Dictionary<(string, string), long> Snapshot() => new(counts);

        public void Dispose() => listener.Dispose();
    }

    sealed class AlwaysUnavailable : HttpMessageHandler
    {
        int attempts;

        public int Attempts => Volatile.Read(ref attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref attempts);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }
    }
}
