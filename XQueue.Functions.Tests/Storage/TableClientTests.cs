using Azure;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>Entity CRUD against Azurite; ETag conditions are in <see cref="TableConcurrencyTests"/>, queries in <see cref="TableQueryTests"/>.</summary>
public sealed class TableClientTests
{
    internal static async Task<TableClient> NewTableAsync()
    {
        var table = (await AzuriteAccount.CreateAsync()).GetTable(AzuriteAccount.NewTableName());
        await table.CreateIfNotExistsAsync();
        return table;
    }

    [Fact]
    public async Task Creating_twice_is_fine()
    {
        var table = await NewTableAsync();
        await table.CreateIfNotExistsAsync();
    }

    [Fact]
    public async Task Every_supported_value_type_round_trips()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.FromHours(-5)).AddTicks(1234567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("p", "r")
        {
            ["Text"] = "hello 'world' ünï 🎉",
            ["Int"] = -42,
            ["Long"] = 9_007_199_254_740_993L,      // above 2^53: a double would round it
            ["SmallLong"] = 7L,                     // fits Int32, must still read back as Int64
            ["Double"] = 3.25,
            ["WholeDouble"] = 2.0,
            ["Flag"] = true,
            ["When"] = when,
            ["Bytes"] = new byte[] { 0, 1, 2, 254, 255 },
            ["Id"] = id,
            ["Empty"] = "",
        };

        var etag = await table.InsertAsync(entity);
        var read = await table.GetAsync("p", "r");

        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.Equal("hello 'world' ünï 🎉", read.GetString("Text"));
        Assert.Equal(-42, read.GetInt32("Int"));
        Assert.Equal(9_007_199_254_740_993L, read.GetInt64("Long"));
        Assert.Equal(7L, read.GetInt64("SmallLong"));
        Assert.Equal(3.25, read.GetDouble("Double"));
        Assert.Equal(2.0, read.GetDouble("WholeDouble"));
        Assert.IsType<double>(read["WholeDouble"]);
        Assert.IsType<long>(read["SmallLong"]);
        Assert.True(read.GetBoolean("Flag"));
        Assert.Equal(when, read.GetDateTimeOffset("When"));
        Assert.Equal(TimeSpan.Zero, read.GetDateTimeOffset("When")!.Value.Offset);
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, read.GetBinary("Bytes"));
        Assert.Equal(id, read.GetGuid("Id"));
        Assert.Equal("", read.GetString("Empty"));
        Assert.Null(read.GetString("Absent"));
    }

    [Theory]
    [InlineData("it's", "a''b")]
    [InlineData("with space", "  lead and trail  ")]
    [InlineData("ünïcødé 日本語", "emoji 🎉")]
    [InlineData("symbols !$&()*+,;=@", "percent %20 and ~")]
    public async Task Keys_that_need_quoting_and_escaping_address_the_right_entity(string partitionKey, string rowKey)
    {
        var table = await NewTableAsync();
        var entity = new TableEntity(partitionKey, rowKey) { ["Value"] = 1 };

        await table.InsertAsync(entity);
        var read = await table.GetAsync(partitionKey, rowKey);

        Assert.NotNull(read);
        Assert.Equal(partitionKey, read.PartitionKey);
        Assert.Equal(rowKey, read.RowKey);
        entity["Value"] = 2;
        await table.UpdateAsync(entity, read.ETag!);
        Assert.Equal(2, (await table.GetAsync(partitionKey, rowKey))!.GetInt32("Value"));
        Assert.True(await table.DeleteAsync(partitionKey, rowKey));
    }

    [Fact]
    public async Task Inserting_an_existing_entity_fails_with_409_EntityAlreadyExists()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(new TableEntity("p", "r"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.InsertAsync(new TableEntity("p", "r")));

        Assert.Equal(409, error.Status);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.Contains("table.insert", error.Message);
    }

    [Fact]
    public async Task Getting_a_missing_entity_is_null()
    {
        var table = await NewTableAsync();
        Assert.Null(await table.GetAsync("p", "nobody"));
    }

    [Fact]
    public async Task Merge_keeps_properties_the_update_does_not_mention()
    {
        var table = await NewTableAsync();
        var etag = await table.InsertAsync(new TableEntity("p", "r") { ["Keep"] = "kept", ["Change"] = 1 });

        var newEtag = await table.UpdateAsync(new TableEntity("p", "r") { ["Change"] = 2 }, etag, TableUpdateMode.Merge);

        var read = (await table.GetAsync("p", "r"))!;
        Assert.NotEqual(etag, newEtag);
        Assert.Equal(newEtag, read.ETag);
        Assert.Equal("kept", read.GetString("Keep"));
        Assert.Equal(2, read.GetInt32("Change"));
    }

    [Fact]
    public async Task Replace_drops_properties_the_update_does_not_mention()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(new TableEntity("p", "r") { ["Drop"] = "dropped", ["Change"] = 1 });

        await table.UpdateAsync(new TableEntity("p", "r") { ["Change"] = 2 }, "*", TableUpdateMode.Replace);

        var read = (await table.GetAsync("p", "r"))!;
        Assert.False(read.Properties.ContainsKey("Drop"));
        Assert.Equal(2, read.GetInt32("Change"));
    }

    [Fact]
    public async Task Upsert_inserts_then_replaces_by_default()
    {
        var table = await NewTableAsync();

        var first = await table.UpsertAsync(new TableEntity("p", "r") { ["A"] = "a", ["B"] = "b" });
        var second = await table.UpsertAsync(new TableEntity("p", "r") { ["A"] = "a2" });

        var read = (await table.GetAsync("p", "r"))!;
        Assert.NotEqual(first, second);
        Assert.Equal("a2", read.GetString("A"));
        Assert.False(read.Properties.ContainsKey("B"));
    }

    [Fact]
    public async Task Upsert_in_merge_mode_keeps_other_properties()
    {
        var table = await NewTableAsync();

        await table.UpsertAsync(new TableEntity("p", "r") { ["A"] = "a", ["B"] = "b" }, TableUpdateMode.Merge);
        await table.UpsertAsync(new TableEntity("p", "r") { ["A"] = "a2" }, TableUpdateMode.Merge);

        var read = (await table.GetAsync("p", "r"))!;
        Assert.Equal("a2", read.GetString("A"));
        Assert.Equal("b", read.GetString("B"));
    }

    [Fact]
    public async Task Deleting_removes_the_entity_and_deleting_again_is_false()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(new TableEntity("p", "r"));

        Assert.True(await table.DeleteAsync("p", "r"));
        Assert.Null(await table.GetAsync("p", "r"));
        Assert.False(await table.DeleteAsync("p", "r"));
    }
}
