using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Azure;
using Azure.Data.Tables;
using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Storage;

/// <summary>The storage request counter names every operation the service makes, and counts each call once.</summary>
public sealed class RequestMetricsTests
{
    [Fact]
    public async Task Every_call_is_counted_once_by_service_and_operation()
    {
        using var counts = new OwnRequestCounts();

        var account = await AzuriteAccount.CreateAsync();
        var queue = account.GetQueue(AzuriteAccount.NewName("m"));
        await queue.CreateIfNotExistsAsync();
        await queue.EnqueueAsync("one");
        await queue.EnqueueAsync("two");
        await queue.PeekMessagesAsync(1);
        var received = await queue.LeaseAsync(2, TimeSpan.FromSeconds(30));
        var moved = await queue.HideAsync(received[0].MessageId, received[0].PopReceipt, TimeSpan.FromSeconds(5));
        await queue.TryDeleteAsync(received[0].MessageId, moved.PopReceipt);
        await queue.ApproximateCountAsync();
        var container = account.GetContainer(AzuriteAccount.NewName("m"));
        await container.CreateIfNotExistsAsync();
        await container.WriteBlobAsync("b", BinaryData.FromString("x"), "text/plain");
        await container.ReadBlobAsync("b");
        await container.DeleteBlobIfExistsAsync("b");
        var table = account.GetTable(AzuriteAccount.NewTableName());
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });
        var row = (await table.FindAsync("p", "r"))!;
        await table.TryReplaceAsync(row);
        await table.UpsertEntityAsync(new TableEntity("p", "r2") { ["N"] = 2 }, TableUpdateMode.Merge);
        await table.QueryPageAsync("PartitionKey eq 'p'", 10);
        await table.SubmitTransactionAsync([new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "r3")),
            new(TableTransactionActionType.Delete, new TableEntity("p", "r2"), ETag.All)]);
        await table.DeleteEntityAsync("p", "r", ETag.All);

        Assert.Equal(
            new Dictionary<(string, string), long>
            {
                [("queue", "queue.create")] = 1,
                [("queue", "queue.send")] = 2,
                [("queue", "queue.peek")] = 1,
                [("queue", "queue.receive")] = 1,
                [("queue", "queue.update")] = 1,
                [("queue", "queue.delete")] = 1,
                [("queue", "queue.count")] = 1,
                [("blob", "blob.create-container")] = 1,
                [("blob", "blob.upload")] = 1,
                [("blob", "blob.download")] = 1,
                [("blob", "blob.delete")] = 1,
                [("table", "table.create")] = 1,
                [("table", "table.insert")] = 1,
                [("table", "table.get")] = 1,
                [("table", "table.replace")] = 1,
                [("table", "table.merge")] = 1,
                [("table", "table.query")] = 1,
                [("table", "table.transaction")] = 1,
                [("table", "table.delete")] = 1,
            },
            counts.Snapshot().OrderBy(c => c.Key).ToDictionary());
    }

    [Fact]
    public async Task A_retried_call_counts_once_because_the_counter_is_per_call()
    {
        using var counts = new OwnRequestCounts();
        var transport = new RecordingHandler(HttpStatusCode.ServiceUnavailable);
        var queue = AzuriteAccount.Services(new Dictionary<string, string?> { [StorageRegistration.Key] = "UseDevelopmentStorage=true" },
            services => StoragePipeline.Settings(services).Transport = transport.Transport()).GetRequiredService<StorageAccount>().GetQueue("anything");

        RequestFailedException error;
        using (StoragePatience.Use(TimeSpan.FromMilliseconds(500))) error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.PeekMessagesAsync(1));

        Assert.Equal(503, error.Status);
        Assert.True(transport.Requests.Count >= 2, $"{transport.Requests.Count} attempts"); // retried for half a second
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
}
