using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>The declared XQueue queues and the Storage Queue that holds each one's work.</summary>
public sealed class QueueCatalog
{
    readonly Dictionary<string, QueueClient> workQueues;

    public QueueCatalog(IOptions<XQueueOptions> options, StorageAccount storage, StorageNames names)
    {
        Options = options.Value;
        workQueues = Options.Queues.Keys.ToDictionary(name => name, name => storage.GetQueue(names.WorkQueue(name)), StringComparer.Ordinal);
        Names = Options.Queues.Keys.ToArray();
    }

    public XQueueOptions Options { get; }

    /// <summary>Declared names in configuration order (the legacy "Valid queue names are: " lists them).</summary>
    public IReadOnlyList<string> Names { get; }

    public bool Contains(string queueName) => workQueues.ContainsKey(queueName);

    /// <summary>The XQueue name whose work the Storage Queue <paramref name="workQueue"/> holds; null for none declared.</summary>
    public string? QueueOfWorkQueue(string workQueue) => workQueues.FirstOrDefault(q => q.Value.Name == workQueue).Key;

    public QueueClient WorkQueue(string queueName) => workQueues[queueName];

    public TimeSpan ProcessingDelay(string queueName) => Options.ProcessingDelayOf(queueName);

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(workQueues.Values.Select(queue => queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
}
