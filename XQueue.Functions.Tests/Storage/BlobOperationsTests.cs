using System.Net;
using Azure.Storage.Blobs;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>Whole-blob writes and reads, and the read links graders get with an account key, against Azurite.</summary>
public sealed class BlobOperationsTests
{
    static readonly HttpClient plainHttp = new();

    static async Task<(StorageAccount Account, BlobContainerClient Container)> NewContainerAsync()
    {
        var account = await AzuriteAccount.CreateAsync();
        var container = account.GetContainer(AzuriteAccount.NewName("c"));
        await container.CreateIfNotExistsAsync();
        return (account, container);
    }

    [Fact]
    public async Task Bytes_and_type_round_trip_a_rewrite_replaces_and_a_missing_blob_is_null()
    {
        var (_, container) = await NewContainerAsync();
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();

        await container.WriteBlobAsync("a/b c.bin", BinaryData.FromString("first"), null);
        await container.WriteBlobAsync("a/b c.bin", new BinaryData(bytes), "application/pdf");
        var read = await container.ReadBlobAsync("a/b c.bin");

        Assert.Equal(bytes, read!.Content.ToArray());
        Assert.Equal("application/pdf", read.Details.ContentType);
        Assert.Null(await container.ReadBlobAsync("never-written"));
    }

    [Fact]
    public async Task A_read_link_serves_the_bytes_to_a_plain_http_client()
    {
        var (account, container) = await NewContainerAsync();
        await container.WriteBlobAsync("shared/report 1.bin", BinaryData.FromString("report"), "application/pdf");

        using var response = await plainHttp.GetAsync(await account.ReadLinkAsync(container, "shared/report 1.bin", DateTimeOffset.UtcNow.AddMinutes(10)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("report", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("sp=r", "sp=rw")]                                              // widened permissions
    [InlineData("se=2030-01-02T03%3A04%3A05Z", "se=2031-01-02T03%3A04%3A05Z")] // extended expiry
    [InlineData("sig=", "sig=AAAA")]                                           // altered signature
    public async Task A_tampered_link_is_refused(string original, string tampered)
    {
        var (account, container) = await NewContainerAsync();
        await container.WriteBlobAsync("secret.txt", BinaryData.FromString("secret"), null);
        var link = (await account.ReadLinkAsync(container, "secret.txt", new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero))).AbsoluteUri;
        Assert.Contains(original, link);
        using (var untouched = await plainHttp.GetAsync(link)) Assert.Equal(HttpStatusCode.OK, untouched.StatusCode);

        using var response = await plainHttp.GetAsync(link.Replace(original, tampered, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_link_for_another_blob_or_an_expired_link_is_refused()
    {
        var (account, container) = await NewContainerAsync();
        await container.WriteBlobAsync("a.txt", BinaryData.FromString("a"), null);
        await container.WriteBlobAsync("b.txt", BinaryData.FromString("b"), null);
        var forA = await account.ReadLinkAsync(container, "a.txt", DateTimeOffset.UtcNow.AddMinutes(10));
        var expired = await account.ReadLinkAsync(container, "a.txt", DateTimeOffset.UtcNow.AddMinutes(-5));

        var pointedAtB = new UriBuilder(forA) { Path = forA.AbsolutePath.Replace("a.txt", "b.txt", StringComparison.Ordinal) }.Uri;

        Assert.Equal(HttpStatusCode.Forbidden, (await plainHttp.GetAsync(pointedAtB)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await plainHttp.GetAsync(expired)).StatusCode);
    }
}
