using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

public sealed class TableQueryTests
{
    static async Task<TableClient> TableWithRowsAsync(int count)
    {
        var table = await TableClientTests.NewTableAsync();
        for (var i = 0; i < count; i++)
        {
            await table.InsertAsync(new TableEntity(i % 2 == 0 ? "even" : "odd", $"row{i:D3}")
            {
                ["Index"] = i,
                ["Big"] = 10_000_000_000L + i,
                ["Label"] = $"label {i}",
                ["At"] = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i),
            });
        }
        return table;
    }

    [Fact]
    public async Task Top_pages_through_continuations_until_none_is_left()
    {
        var table = await TableWithRowsAsync(25);

        var pages = new List<TablePage>();
        string? continuation = null;
        do
        {
            var page = await table.QueryAsync(null, top: 10, continuation: continuation);
            pages.Add(page);
            continuation = page.Continuation;
        }
        while (continuation is not null && pages.Count < 10);

        Assert.Equal([10, 10, 5], pages.Select(page => page.Entities.Count));
        var rowKeys = pages.SelectMany(page => page.Entities).Select(e => (e.PartitionKey, e.RowKey)).ToList();
        Assert.Equal(25, rowKeys.Distinct().Count());
    }

    [Fact]
    public async Task Filter_select_and_top_combine()
    {
        var table = await TableWithRowsAsync(12);
        var filter = $"PartitionKey eq {TableFilter.Quote("even")} and Index ge 4";

        var page = await table.QueryAsync(filter, select: ["Label"], top: 3);

        Assert.Equal(3, page.Entities.Count);
        Assert.NotNull(page.Continuation);
        Assert.All(page.Entities, entity =>
        {
            Assert.Equal("even", entity.PartitionKey);
            Assert.StartsWith("label ", entity.GetString("Label"));
            Assert.False(entity.Properties.ContainsKey("Index"));
            Assert.False(string.IsNullOrEmpty(entity.ETag));
        });
        Assert.Equal(["row004", "row006", "row008"], page.Entities.Select(e => e.RowKey));
    }

    [Fact]
    public async Task QueryAll_follows_every_continuation()
    {
        var table = await TableWithRowsAsync(25);

        var all = new List<TableEntity>();
        await foreach (var entity in table.QueryAllAsync(null)) all.Add(entity);

        Assert.Equal(25, all.Count);
        Assert.All(all, entity => Assert.Equal(10_000_000_000L + entity.GetInt32("Index"), entity.GetInt64("Big")));
    }

    [Fact]
    public async Task Typed_literals_filter_on_int64_and_datetime()
    {
        var table = await TableWithRowsAsync(10);

        var byBig = await table.QueryAsync($"Big gt {TableFilter.Int64(10_000_000_006L)}");
        var byDate = await table.QueryAsync(
            $"At lt {TableFilter.DateTime(new DateTimeOffset(2024, 1, 3, 0, 0, 0, TimeSpan.Zero))}");

        Assert.Equal([7, 8, 9], byBig.Entities.Select(e => e.GetInt32("Index")!.Value).Order());
        Assert.Equal([0, 1], byDate.Entities.Select(e => e.GetInt32("Index")!.Value).Order());
    }

    [Fact]
    public async Task A_quote_in_a_filter_value_is_data_not_syntax()
    {
        var table = await TableClientTests.NewTableAsync();
        await table.InsertAsync(new TableEntity("o'brien", "1"));
        await table.InsertAsync(new TableEntity("other", "1"));

        var page = await table.QueryAsync($"PartitionKey eq {TableFilter.Quote("o'brien")}");

        Assert.Equal("o'brien", Assert.Single(page.Entities).PartitionKey);
        Assert.Null(page.Continuation);
    }

    [Fact]
    public async Task An_empty_result_has_no_continuation()
    {
        var table = await TableClientTests.NewTableAsync();
        var page = await table.QueryAsync($"PartitionKey eq {TableFilter.Quote("nobody")}");
        Assert.Empty(page.Entities);
        Assert.Null(page.Continuation);
    }
}
