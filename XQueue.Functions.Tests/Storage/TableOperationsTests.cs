using Azure;
using Azure.Data.Tables;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Tests.Storage;

/// <summary>The table operations the service builds on, against Azurite through the app's own clients.</summary>
public sealed class TableOperationsTests
{
    static async Task<TableClient> NewTableAsync()
    {
        var table = (await AzuriteAccount.CreateAsync()).GetTable(AzuriteAccount.NewTableName());
        await table.CreateIfNotExistsAsync();
        return table;
    }

    [Fact]
    public async Task A_missing_entity_is_null_and_a_found_one_carries_its_etag()
    {
        var table = await NewTableAsync();
        Assert.Null(await table.FindAsync("p", "r"));

        var added = await table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });
        var found = await table.FindAsync("p", "r");

        Assert.Equal(added.Headers.ETag, found!.ETag);
    }

    [Fact]
    public async Task A_replace_with_a_stale_or_missing_entity_is_null_and_changes_nothing()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });
        var first = (await table.FindAsync("p", "r"))!;
        var second = (await table.FindAsync("p", "r"))!;

        first["N"] = 2;
        var etag = await table.TryReplaceAsync(first);
        second["N"] = 3;

        Assert.NotNull(etag);
        Assert.Null(await table.TryReplaceAsync(second));
        Assert.Null(await table.TryReplaceAsync(new TableEntity("p", "gone") { ETag = etag!.Value }));
        Assert.Equal(2, (await table.FindAsync("p", "r"))!.GetInt32("N"));
    }

    [Fact]
    public async Task Delete_says_whether_there_was_something_and_refuses_a_stale_etag()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));
        var stale = (await table.FindAsync("p", "r"))!.ETag;
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["N"] = 1 }, TableUpdateMode.Replace);

        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteIfExistsAsync("p", "r", stale));
        Assert.Equal(412, refused.Status);
        Assert.True(await table.DeleteIfExistsAsync("p", "r"));
        Assert.False(await table.DeleteIfExistsAsync("p", "r"));
    }

    [Fact]
    public async Task Pages_follow_continuations_and_a_selection_keeps_the_keys()
    {
        var table = await NewTableAsync();
        for (var i = 0; i < 7; i++) await table.AddEntityAsync(new TableEntity("p", $"r{i}") { ["N"] = i, ["Other"] = "x" });

        var seen = new List<TableEntity>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await table.QueryPageAsync(TableClient.CreateQueryFilter($"PartitionKey eq {"p"}"), 3, ["N"], continuation);
            seen.AddRange(page.Entities);
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"r{i}"), seen.Select(e => e.RowKey));
        Assert.All(seen, e => Assert.Equal("p", e.PartitionKey));
        Assert.All(seen, e => Assert.Null(e.GetString("Other")));
    }

    [Fact]
    public async Task A_quote_in_a_filter_value_is_data_not_syntax()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("it's", "r"));
        await table.AddEntityAsync(new TableEntity("other", "r"));

        var found = await table.QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {"it's"}")).ToListAsync();

        Assert.Equal("it's", Assert.Single(found).PartitionKey);
    }

    [Fact]
    public async Task Rows_of_one_partition_go_in_transactions_of_a_hundred_and_a_stale_row_stays()
    {
        var table = await NewTableAsync();
        var rows = Enumerable.Range(0, 150).Select(i => new TableEntity(i < 120 ? "a" : "b", $"r{i:D3}") { ["N"] = i }).ToList();
        await table.UpsertAllAsync(rows);
        var read = await table.QueryAllAsync("PartitionKey eq 'a'").ToListAsync();
        Assert.Equal(120, read.Count);

        await table.UpsertEntityAsync(new TableEntity("a", "r005") { ["N"] = -5 }, TableUpdateMode.Replace); // changed since read
        var deleted = await table.DeleteAllAsync(read);

        Assert.Equal(119, deleted);
        Assert.Equal(-5, Assert.Single(await table.QueryAllAsync("PartitionKey eq 'a'").ToListAsync()).GetInt32("N"));
        Assert.Equal(30, (await table.QueryAllAsync("PartitionKey eq 'b'").ToListAsync()).Count);
    }

    [Fact]
    public async Task A_submission_survives_the_round_trip_through_its_entity()
    {
        var table = await NewTableAsync();
        var now = DateTimeOffset.UtcNow;
        var submission = new Submission
        {
            Id = SubmissionId.New(now), Queue = "q", Header = "{\"a\": 1}", CallbackUrl = "http://lms/cb", Body = new StoredText("body", null),
            Files = new Dictionary<string, string> { ["f.py"] = "1/files-a/0" }, Pulls = 2, LeaseUntil = now.AddMinutes(1),
            ReplyVersion = 5, Reply = new StoredText(null, "1/reply"), Delivery = DeliveryState.Pending, ReceivedAt = now, StatusAt = now,
        };

        await table.AddEntityAsync(SubmissionEntity.ToEntity(submission));
        var stored = SubmissionEntity.FromEntity((await table.FindAsync(SubmissionId.PartitionKey(submission.Id), SubmissionEntity.RowKey))!);

        Assert.Equal(submission with { ETag = stored.ETag, Files = stored.Files, History = stored.History, Channels = stored.Channels }, stored);
        Assert.Equal(submission.Files, stored.Files);
        Assert.NotNull(stored.ETag);
    }
}
