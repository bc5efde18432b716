using System.Net;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

public sealed class BlobContainerClientTests
{
    static readonly HttpClient plainHttp = new();

    static async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = (await AzuriteAccount.CreateAsync()).GetContainer(AzuriteAccount.NewName("c"));
        await container.CreateIfNotExistsAsync();
        return container;
    }

    [Fact]
    public async Task Creating_twice_is_fine_and_the_uri_names_the_container()
    {
        var container = await NewContainerAsync();
        await container.CreateIfNotExistsAsync();
        Assert.EndsWith("/devstoreaccount1/" + container.Name, container.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Text_uploads_and_downloads_with_its_content_type()
    {
        var container = await NewContainerAsync();

        await container.UploadAsync("notes/readme.txt", BinaryData.FromString("hello, blob"), "text/plain; charset=utf-8");
        var downloaded = await container.DownloadAsync("notes/readme.txt");

        Assert.NotNull(downloaded);
        Assert.Equal("hello, blob", downloaded.Content.ToString());
        Assert.Equal("text/plain; charset=utf-8", downloaded.ContentType);
    }

    [Fact]
    public async Task Binary_bytes_round_trip_exactly()
    {
        var container = await NewContainerAsync();
        var bytes = Enumerable.Range(0, 1024).Select(i => (byte)(i % 256)).ToArray();

        await container.UploadAsync("all-bytes.bin", new BinaryData(bytes), "application/octet-stream");

        Assert.Equal(bytes, (await container.DownloadAsync("all-bytes.bin"))!.Content.ToArray());
    }

    [Fact]
    public async Task A_five_mebibyte_payload_round_trips()
    {
        var container = await NewContainerAsync();
        var bytes = new byte[5 * 1024 * 1024 + 3];
        new Random(42).NextBytes(bytes);

        await container.UploadAsync("big.bin", new BinaryData(bytes));

        Assert.Equal(bytes, (await container.DownloadAsync("big.bin"))!.Content.ToArray());
    }

    [Fact]
    public async Task Without_a_content_type_the_service_default_applies()
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("plain", BinaryData.FromString("x"));
        Assert.Equal("application/octet-stream", (await container.DownloadAsync("plain"))!.ContentType);
    }

    [Fact]
    public async Task Uploading_again_overwrites()
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("b", BinaryData.FromString("first"), "text/plain");
        await container.UploadAsync("b", BinaryData.FromString("second"), "application/json");

        var downloaded = (await container.DownloadAsync("b"))!;
        Assert.Equal("second", downloaded.Content.ToString());
        Assert.Equal("application/json", downloaded.ContentType);
    }

    [Fact]
    public async Task An_empty_blob_round_trips()
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("empty", BinaryData.Empty);
        Assert.Empty((await container.DownloadAsync("empty"))!.Content.ToArray());
    }

    [Theory]
    [InlineData("with space/and+plus&amp=eq.txt")]
    [InlineData("ünïcødé/日本語.json")]
    [InlineData("quote's (parens) #hash %percent ?question")]
    public async Task Names_that_need_escaping_round_trip(string blobName)
    {
        var container = await NewContainerAsync();
        await container.UploadAsync(blobName, BinaryData.FromString(blobName));
        Assert.Equal(blobName, (await container.DownloadAsync(blobName))!.Content.ToString());
    }

    [Fact]
    public async Task Deleting_removes_the_blob_and_a_second_delete_is_false()
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("gone", BinaryData.FromString("x"));

        Assert.True(await container.DeleteIfExistsAsync("gone"));
        Assert.Null(await container.DownloadAsync("gone"));
        Assert.False(await container.DeleteIfExistsAsync("gone"));
    }

    [Fact]
    public async Task Downloading_a_missing_blob_is_null()
    {
        var container = await NewContainerAsync();
        Assert.Null(await container.DownloadAsync("never-written"));
    }

    [Fact]
    public async Task A_read_sas_link_serves_the_bytes_to_a_plain_http_client()
    {
        var container = await NewContainerAsync();
        var bytes = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray();
        await container.UploadAsync("shared/report 1.bin", new BinaryData(bytes), "application/pdf");

        var sasUri = await container.GetReadSasUriAsync("shared/report 1.bin", DateTimeOffset.UtcNow.AddMinutes(10));
        using var response = await plainHttp.GetAsync(sasUri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("sp=r", "sp=rw")]                                      // widened permissions
    [InlineData("se=2030-01-02T03%3A04%3A05Z", "se=2031-01-02T03%3A04%3A05Z")] // extended expiry
    [InlineData("sig=", "sig=AAAA")]                                   // altered signature
    public async Task A_tampered_sas_link_is_refused(string original, string tampered)
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("secret.txt", BinaryData.FromString("secret"));
        var expiresOn = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var sasUri = (await container.GetReadSasUriAsync("secret.txt", expiresOn)).AbsoluteUri;
        Assert.Contains(original, sasUri);
        using (var untouched = await plainHttp.GetAsync(sasUri)) Assert.Equal(HttpStatusCode.OK, untouched.StatusCode);

        using var response = await plainHttp.GetAsync(sasUri.Replace(original, tampered, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_sas_link_for_another_blob_is_refused()
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("a.txt", BinaryData.FromString("a"));
        await container.UploadAsync("b.txt", BinaryData.FromString("b"));
        var sasForA = await container.GetReadSasUriAsync("a.txt", DateTimeOffset.UtcNow.AddMinutes(10));

        var pointedAtB = new UriBuilder(sasForA) { Path = sasForA.AbsolutePath.Replace("a.txt", "b.txt", StringComparison.Ordinal) }.Uri;
        using var response = await plainHttp.GetAsync(pointedAtB);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_expired_sas_link_is_refused()
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("old.txt", BinaryData.FromString("old"));

        using var response = await plainHttp.GetAsync(await container.GetReadSasUriAsync("old.txt", DateTimeOffset.UtcNow.AddMinutes(-5)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
