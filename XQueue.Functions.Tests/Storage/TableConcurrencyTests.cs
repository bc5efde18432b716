using Azure;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>ETag conditions on update and delete: stale ETags and missing entities fail, nothing is overwritten.</summary>
public sealed class TableConcurrencyTests
{
    [Theory]
    [InlineData(TableUpdateMode.Merge)]
    [InlineData(TableUpdateMode.Replace)]
    public async Task Updating_with_a_stale_etag_fails_with_412(TableUpdateMode mode)
    {
        var table = await TableClientTests.NewTableAsync();
        var staleEtag = await table.InsertAsync(new TableEntity("p", "r") { ["N"] = 1 });
        await table.UpdateAsync(new TableEntity("p", "r") { ["N"] = 2 }, staleEtag, mode);

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateAsync(new TableEntity("p", "r") { ["N"] = 3 }, staleEtag, mode));

        Assert.Equal(412, error.Status);
        Assert.Equal(2, (await table.GetAsync("p", "r"))!.GetInt32("N"));
    }

    [Theory]
    [InlineData(TableUpdateMode.Merge)]
    [InlineData(TableUpdateMode.Replace)]
    public async Task Updating_a_missing_entity_fails_with_404(TableUpdateMode mode)
    {
        var table = await TableClientTests.NewTableAsync();

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateAsync(new TableEntity("p", "missing") { ["N"] = 1 }, "*", mode));

        Assert.Equal(404, error.Status);
        Assert.Null(await table.GetAsync("p", "missing"));
    }

    [Fact]
    public async Task Deleting_with_a_stale_etag_fails_with_412_and_keeps_the_entity()
    {
        var table = await TableClientTests.NewTableAsync();
        var staleEtag = await table.InsertAsync(new TableEntity("p", "r") { ["N"] = 1 });
        var currentEtag = await table.UpdateAsync(new TableEntity("p", "r") { ["N"] = 2 }, staleEtag);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteAsync("p", "r", staleEtag));

        Assert.Equal(412, error.Status);
        Assert.True(await table.DeleteAsync("p", "r", currentEtag));
    }
}
