using Azure;
using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Storage;

/// <summary>How failures surface: status, storage error code, and messages that leak nothing.</summary>
public sealed class StorageErrorTests
{
    const string WrongKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

    static async Task<StorageAccount> AccountWithWrongKeyAsync()
    {
        var azurite = await Azurite.Shared;
        var connection = StorageConnection.Parse(azurite.ConnectionString) with { AccountKey = Convert.FromBase64String(WrongKey) };
        return new StorageAccount(connection);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_by_every_service_and_the_message_carries_no_secret()
    {
        var account = await AccountWithWrongKeyAsync();

        var errors = new[]
        {
            await Assert.ThrowsAsync<RequestFailedException>(() => account.GetQueue(AzuriteAccount.NewName()).CreateIfNotExistsAsync()),
            await Assert.ThrowsAsync<RequestFailedException>(() => account.GetContainer(AzuriteAccount.NewName()).CreateIfNotExistsAsync()),
            await Assert.ThrowsAsync<RequestFailedException>(() => account.GetTable(AzuriteAccount.NewTableName()).CreateIfNotExistsAsync()),
        };

        Assert.All(errors, error =>
        {
            Assert.Equal(403, error.Status);
            // Azure says AuthenticationFailed; Azurite says AuthorizationFailure. Either way a code is surfaced.
            Assert.False(string.IsNullOrEmpty(error.ErrorCode));
            Assert.DoesNotContain(WrongKey, error.ToString());
            Assert.DoesNotContain("SharedKey", error.ToString());
            Assert.DoesNotContain("Signature", error.Message, StringComparison.OrdinalIgnoreCase);
        });
        Assert.Equal(["queue.create", "blob.create-container", "table.create"],
            errors.Select(error => error.Message.Split(' ')[2]));
    }

    [Fact]
    public async Task A_missing_queue_is_404_QueueNotFound()
    {
        var queue = (await AzuriteAccount.CreateAsync()).GetQueue(AzuriteAccount.NewName("missing"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.GetApproximateCountAsync());

        Assert.Equal(404, error.Status);
        Assert.Equal("QueueNotFound", error.ErrorCode);
        Assert.Equal("Storage operation queue.count failed with status 404 (QueueNotFound).", error.Message);
    }

    [Fact]
    public async Task A_missing_container_is_404_ContainerNotFound_on_upload()
    {
        var container = (await AzuriteAccount.CreateAsync()).GetContainer(AzuriteAccount.NewName("missing"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => container.UploadAsync("b", BinaryData.FromString("x")));

        Assert.Equal(404, error.Status);
        Assert.Equal("ContainerNotFound", error.ErrorCode);
    }

    [Fact]
    public async Task A_missing_table_is_404_on_insert()
    {
        var table = (await AzuriteAccount.CreateAsync()).GetTable(AzuriteAccount.NewTableName());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.InsertAsync(new TableEntity("p", "r")));

        Assert.Equal(404, error.Status);
        Assert.Equal("TableNotFound", error.ErrorCode);
    }

    [Fact]
    public async Task Reads_and_deletes_that_answer_not_there_still_throw_when_the_table_itself_is_missing()
    {
        var table = (await AzuriteAccount.CreateAsync()).GetTable(AzuriteAccount.NewTableName());

        var onGet = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetAsync("p", "r"));
        var onDelete = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteAsync("p", "r"));

        Assert.Equal(("TableNotFound", 404), (onGet.ErrorCode, onGet.Status));
        Assert.Equal(("TableNotFound", 404), (onDelete.ErrorCode, onDelete.Status));
    }

    [Fact]
    public async Task Reads_and_deletes_that_answer_not_there_still_throw_when_the_container_itself_is_missing()
    {
        var container = (await AzuriteAccount.CreateAsync()).GetContainer(AzuriteAccount.NewName("missing"));

        var onDownload = await Assert.ThrowsAsync<RequestFailedException>(() => container.DownloadAsync("b"));
        var onDelete = await Assert.ThrowsAsync<RequestFailedException>(() => container.DeleteIfExistsAsync("b"));

        Assert.Equal(("ContainerNotFound", 404), (onDownload.ErrorCode, onDownload.Status));
        Assert.Equal(("ContainerNotFound", 404), (onDelete.ErrorCode, onDelete.Status));
    }

    [Fact]
    public async Task An_operation_on_a_missing_queue_fails_with_404_QueueNotFound()
    {
        var queue = (await AzuriteAccount.CreateAsync()).GetQueue(AzuriteAccount.NewName("missing"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendAsync("nowhere"));

        Assert.Equal(404, error.Status);
        Assert.Equal("QueueNotFound", error.ErrorCode);
        Assert.Contains("queue.send", error.Message);
        Assert.Contains("404", error.Message);
    }

    [Fact]
    public async Task Deleting_from_a_missing_queue_throws_rather_than_answering_false()
    {
        var queue = (await AzuriteAccount.CreateAsync()).GetQueue(AzuriteAccount.NewName("missing"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.DeleteAsync("id", "receipt"));

        Assert.Equal(404, error.Status);
        Assert.Equal("QueueNotFound", error.ErrorCode);
    }
}
