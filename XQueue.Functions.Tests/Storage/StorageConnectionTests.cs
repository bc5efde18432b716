using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

public sealed class StorageConnectionTests
{
    const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Theory]
    [InlineData("UseDevelopmentStorage=true")]
    [InlineData("usedevelopmentstorage=TRUE;")]
    [InlineData("  UseDevelopmentStorage = true ; ")]
    public void Development_storage_expands_to_the_emulator_defaults(string connectionString)
    {
        var connection = StorageConnection.Parse(connectionString);

        Assert.Equal("devstoreaccount1", connection.AccountName);
        Assert.Equal(Convert.FromBase64String(Key), connection.AccountKey);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), connection.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), connection.TableEndpoint);
    }

    [Fact]
    public void Account_and_key_derive_https_endpoints_on_the_public_cloud()
    {
        var connection = StorageConnection.Parse($"AccountName=myacct;AccountKey={Key}");

        Assert.Equal("myacct", connection.AccountName);
        Assert.Equal(Convert.FromBase64String(Key), connection.AccountKey);
        Assert.Equal(new Uri("https://myacct.blob.core.windows.net"), connection.BlobEndpoint);
        Assert.Equal(new Uri("https://myacct.queue.core.windows.net"), connection.QueueEndpoint);
        Assert.Equal(new Uri("https://myacct.table.core.windows.net"), connection.TableEndpoint);
    }

    [Fact]
    public void Protocol_and_suffix_shape_derived_endpoints_in_any_key_order_and_case()
    {
        var connection = StorageConnection.Parse(
            $"endpointsuffix=core.chinacloudapi.cn;ACCOUNTKEY={Key};defaultendpointsprotocol=HTTP;accountname=myacct;");

        Assert.Equal(new Uri("http://myacct.blob.core.chinacloudapi.cn"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://myacct.queue.core.chinacloudapi.cn"), connection.QueueEndpoint);
        Assert.Equal(new Uri("http://myacct.table.core.chinacloudapi.cn"), connection.TableEndpoint);
    }

    [Fact]
    public void Explicit_endpoints_win_over_derived_ones()
    {
        var connection = StorageConnection.Parse(
            $"DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey={Key};" +
            "BlobEndpoint=http://127.0.0.1:5000/devstoreaccount1/;QueueEndpoint=http://127.0.0.1:5001/devstoreaccount1;");

        Assert.Equal(new Uri("http://127.0.0.1:5000/devstoreaccount1"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:5001/devstoreaccount1"), connection.QueueEndpoint);
        Assert.Equal(new Uri("https://devstoreaccount1.table.core.windows.net"), connection.TableEndpoint);
    }

    [Fact]
    public void A_connection_without_a_key_is_allowed_for_token_authentication()
    {
        var connection = StorageConnection.Parse("AccountName=myacct");
        Assert.Null(connection.AccountKey);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(";;", "empty")]
    [InlineData("AccountKey=" + Key, "AccountName")]
    [InlineData("AccountName=;AccountKey=" + Key, "AccountName")]
    [InlineData("AccountName=a;AccountName=b", "more than once")]
    [InlineData("AccountName=a;DefaultEndpointsProtocol=ftp", "DefaultEndpointsProtocol")]
    [InlineData("AccountName=a;BlobEndpoint=not a uri", "BlobEndpoint")]
    [InlineData("AccountName=a;TableEndpoint=ftp://host/x", "TableEndpoint")]
    [InlineData("AccountName=a;garbage", "segment 2")]
    [InlineData("UseDevelopmentStorage=false", "UseDevelopmentStorage")]
    [InlineData("UseDevelopmentStorage=true;AccountName=a", "cannot be combined")]
    [InlineData("BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=2024&sig=abc", "SharedAccessSignature")]
    public void Bad_input_is_a_FormatException_that_says_what_is_wrong(string connectionString, string expectedInMessage)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnection.Parse(connectionString));
        Assert.Contains(expectedInMessage, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("not*base64!secret")]
    [InlineData("abc")]
    public void A_bad_key_is_reported_without_echoing_it(string badKey)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnection.Parse($"AccountName=myacct;AccountKey={badKey}"));

        Assert.Contains("AccountKey", error.Message);
        Assert.DoesNotContain(badKey, error.ToString());
    }

    [Fact]
    public void Printing_a_connection_never_shows_the_key()
    {
        var connection = StorageConnection.Parse("UseDevelopmentStorage=true");
        Assert.DoesNotContain(Key, connection.ToString());
        Assert.Contains("devstoreaccount1", connection.ToString());
    }

    [Fact]
    public void ForAccount_has_no_key_and_public_endpoints_unless_given()
    {
        var custom = new Uri("https://example.test/queues");
        var connection = StorageConnection.ForAccount("myacct", queueEndpoint: custom);

        Assert.Null(connection.AccountKey);
        Assert.Equal(new Uri("https://myacct.blob.core.windows.net"), connection.BlobEndpoint);
        Assert.Equal(custom, connection.QueueEndpoint);
        Assert.Equal(new Uri("https://myacct.table.core.windows.net"), connection.TableEndpoint);
    }
}
