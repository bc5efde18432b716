using System.Globalization;
using Azure.Data.Tables;

namespace XQueue.Functions.Storage;

/// <summary>
/// A table of figures each instance keeps in memory and writes per minute (partition = the minute, "yyyyMMddHHmm";
/// one row per instance and series), so that readers add every instance's rows: written every
/// <see cref="FlushInterval"/> in the background, rows older than <paramref name="kept"/> removed now and then.
/// A crash loses an instance's last unwritten seconds: statistics, not submissions.
/// </summary>
public abstract class PerMinuteTable(TableClient table, TimeSpan kept, TimeProvider time, ILogger log) : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(10);

    static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    DateTimeOffset lastPrune = DateTimeOffset.MinValue;

    protected TableClient Table => table;

    protected TimeProvider Time => time;

    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Writes this instance's rows that may have changed, and removes old rows now and then.</summary>
    public abstract Task FlushAsync(CancellationToken cancellationToken = default);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FlushAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "{Table} could not be written; the next flush tries again", table.Name);
            }
        }
    }

    /// <summary>Removes up to 500 rows of minutes older than the kept period, at most every ten minutes.</summary>
    protected async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - lastPrune <= PruneEvery) return;
        lastPrune = now;
        var old = await table.QueryPageAsync(TableClient.CreateQueryFilter($"PartitionKey lt {Minute(now - kept)}"), top: 500, select: [], cancellationToken: cancellationToken);
        await table.DeleteAllAsync(old.Entities.Select(row => new TableEntity(row.PartitionKey, row.RowKey)), cancellationToken);
    }

    /// <summary>Every instance's rows from the minute of <paramref name="from"/> on.</summary>
    protected IAsyncEnumerable<TableEntity> RowsSinceAsync(DateTimeOffset from, CancellationToken cancellationToken) =>
        table.QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey ge {Minute(from)}"), cancellationToken: cancellationToken);

    /// <summary>A queue's name as a table key, valid whatever the name (the name itself is kept as a property).</summary>
    public static string QueueKey(string queue) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(queue)))[..16];

    /// <summary>A minute as these tables key it: "yyyyMMddHHmm", UTC, which sorts as time does.</summary>
    public static string Minute(DateTimeOffset at) => at.UtcDateTime.ToString(MinuteFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseMinute(string minute) =>
        DateTimeOffset.ParseExact(minute, MinuteFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    const string MinuteFormat = "yyyyMMddHHmm";
}
