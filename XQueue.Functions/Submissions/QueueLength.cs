namespace XQueue.Functions.Submissions;

/// <summary>Submissions waiting to be pulled: the queue's message count minus those a grader holds.</summary>
public sealed class QueueLength(QueueCatalog catalog, InflightIndex inflight)
{
    public async Task<int> WaitingAsync(string queueName, CancellationToken cancellationToken = default)
    {
        var work = catalog.WorkQueue(queueName);
        var total = work.GetApproximateCountAsync(cancellationToken);
        var held = inflight.CountLiveAsync(work.Name, cancellationToken);
        return Math.Max(0, await total - await held);
    }
}
