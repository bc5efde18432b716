using Azure.Data.Tables;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Submissions;

/// <summary>A failed submission as the failed index keeps it: enough for a list row without reading the submission.</summary>
public sealed record FailedEntry(long Id, string Queue, string CallbackUrl, string? Learner, string? GraderFile, int Pulls, DateTimeOffset ReceivedAt, DateTimeOffset FailedAt);

/// <summary>
/// Failed submissions, newest first (RowKey = the submission's own reversed key), in one partition.
/// Written only on the rare transition to failed (before the submission is marked, so a crash leaves an
/// extra row, never a failed submission nobody can find), removed when an operator resets, retires or
/// deletes it. The dashboard's failed list and counts read this instead of the history.
/// </summary>
public sealed class FailedIndex(StorageAccount storage, StorageNames names)
{
    const string Partition = "failed";
    readonly TableClient table = storage.GetTable(names.FailedTable);

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public Task AddAsync(Submission submission, DateTimeOffset failedAt, CancellationToken cancellationToken = default)
    {
        var facts = SubmissionFacts.Of(submission.CallbackUrl, submission.Body.Inline);
        var row = new TableEntity(Partition, SubmissionId.PartitionKey(submission.Id))
        {
            ["Id"] = submission.Id,
            ["Queue"] = submission.Queue,
            ["CallbackUrl"] = submission.CallbackUrl,
            ["Learner"] = facts.Learner,
            ["GraderFile"] = facts.GraderFile,
            ["Pulls"] = submission.Pulls,
            ["ReceivedAt"] = submission.ReceivedAt,
            ["FailedAt"] = failedAt,
        };
        return table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public Task<bool> RemoveAsync(long id, CancellationToken cancellationToken = default) =>
        table.DeleteIfExistsAsync(Partition, SubmissionId.PartitionKey(id), cancellationToken: cancellationToken);

    /// <summary>Up to <paramref name="top"/> rows after the row key <paramref name="after"/> (newest first); <paramref name="queue"/> null for all.</summary>
    public async Task<IReadOnlyList<FailedEntry>> PageAsync(string? queue, int top, string? after, CancellationToken cancellationToken = default)
    {
        var filter = $"PartitionKey eq '{Partition}'";
        if (after is not null) filter += TableClient.CreateQueryFilter($" and RowKey gt {after}");
        if (queue is not null) filter += TableClient.CreateQueryFilter($" and Queue eq {queue}");
        var entries = new List<FailedEntry>(top);
        string? continuation = null;
        do
        {
            var page = await table.QueryPageAsync(filter, top - entries.Count, continuation: continuation, cancellationToken: cancellationToken);
            entries.AddRange(page.Entities.Select(FromRow));
            continuation = page.Continuation;
        }
        while (continuation is not null && entries.Count < top);
        return entries;
    }

    /// <summary>Failed submissions per queue: one query page per 1,000 of them (failures are rare; see docs/performance.md).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByQueueAsync(CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAllAsync($"PartitionKey eq '{Partition}'", ["Queue"], cancellationToken))
        {
            var queue = row.GetString("Queue") ?? "";
            counts[queue] = counts.GetValueOrDefault(queue) + 1;
        }
        return counts;
    }

    static FailedEntry FromRow(TableEntity row) => new(
        row.GetInt64("Id") ?? 0, row.GetString("Queue") ?? "", row.GetString("CallbackUrl") ?? "", row.GetString("Learner"),
        row.GetString("GraderFile"), row.GetInt32("Pulls") ?? 0,
        row.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue, row.GetDateTimeOffset("FailedAt") ?? DateTimeOffset.MinValue);
}
