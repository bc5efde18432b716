using Azure.Data.Tables;
using System.Globalization;
using System.Security.Cryptography;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Dashboard;

public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, long? SubmissionId, string Outcome);

/// <summary>
/// Every operator action, newest first: one partition, RowKey = reversed ticks (plus a random tail so two
/// actions in one tick both stay), so "the latest N" is one query of N rows.
/// </summary>
public sealed class AuditLog(StorageAccount storage, StorageNames names, TimeProvider time)
{
    const string Partition = "audit";
    readonly TableClient table = storage.GetTable(names.AuditTable);

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public Task RecordAsync(string actor, string action, long? submissionId, string outcome, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var rowKey = (DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) +
                     "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        return table.AddEntityAsync(new TableEntity(Partition, rowKey)
        {
            ["At"] = now,
            ["Actor"] = actor,
            ["Action"] = action,
            ["SubmissionId"] = submissionId,
            ["Outcome"] = outcome,
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> RecentAsync(int top, CancellationToken cancellationToken = default)
    {
        var page = await table.QueryPageAsync($"PartitionKey eq '{Partition}'", top, cancellationToken: cancellationToken);
        return page.Entities.Select(FromRow).ToArray();
    }

    /// <summary>The actions on one submission. Scans the log, which holds operator actions only (small by nature).</summary>
    public async Task<IReadOnlyList<AuditEntry>> ForSubmissionAsync(long id, int top, CancellationToken cancellationToken = default)
    {
        var entries = new List<AuditEntry>();
        await foreach (var row in table.QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and SubmissionId eq {id}"), cancellationToken: cancellationToken))
        {
            entries.Add(FromRow(row));
            if (entries.Count >= top) break;
        }
        return entries;
    }

    static AuditEntry FromRow(TableEntity row) => new(
        row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, row.GetString("Actor") ?? "", row.GetString("Action") ?? "",
        row.GetInt64("SubmissionId"), row.GetString("Outcome") ?? "");
}
