using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>
/// Known answers for the Shared Key string-to-sign. Each expected string is written out slot by slot
/// from the documented layout, not produced by the code under test.
/// </summary>
public sealed class SharedKeyStringToSignTests
{
    const string Account = "devstoreaccount1";
    const string Date = "Mon, 01 Jan 2024 00:00:00 GMT";

    static KeyValuePair<string, string> H(string name, string value) => KeyValuePair.Create(name, value);

    [Fact]
    public void Queue_get_signs_sorted_lowercased_headers_and_sorted_decoded_query_with_doubled_account()
    {
        var uri = new Uri("http://127.0.0.1:10001/devstoreaccount1/myqueue/messages?visibilitytimeout=30&NumOfMessages=5&peekonly=true");
        var headers = new[]
        {
            H("x-ms-version", "2024-11-04"),
            H("X-MS-Date", Date),
            H("x-ms-client-request-id", "abc"),
            H("x-ms-meta-Name", "  a    b  "),
            H("Accept", "application/xml"),
        };

        var expected =
            "GET\n" +
            "\n" + // Content-Encoding
            "\n" + // Content-Language
            "\n" + // Content-Length
            "\n" + // Content-MD5
            "\n" + // Content-Type
            "\n" + // Date (empty: x-ms-date is sent)
            "\n\n\n\n" + // If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since
            "\n" + // Range
            "x-ms-client-request-id:abc\n" +
            "x-ms-date:" + Date + "\n" +
            "x-ms-meta-name:a b\n" +
            "x-ms-version:2024-11-04\n" +
            "/devstoreaccount1/devstoreaccount1/myqueue/messages\n" +
            "numofmessages:5\n" +
            "peekonly:true\n" +
            "visibilitytimeout:30";

        Assert.Equal(expected, SharedKeyStringToSign.ForBlobOrQueue("GET", uri, headers, 0, Account));
    }

    [Fact]
    public void Blob_put_signs_length_type_and_conditional_headers_in_their_slots()
    {
        var uri = new Uri("https://acct.blob.core.windows.net/photos/a%20b/c.png");
        var headers = new[]
        {
            H("Content-Type", "image/png"),
            H("If-Match", "\"0x8D\""),
            H("x-ms-blob-type", "BlockBlob"),
            H("x-ms-date", Date),
            H("x-ms-version", "2024-11-04"),
        };

        var expected =
            "PUT\n\n\n" +
            "11\n" + // Content-Length
            "\n" + // Content-MD5
            "image/png\n" +
            "\n" + // Date
            "\n" + // If-Modified-Since
            "\"0x8D\"\n" +
            "\n\n\n" + // If-None-Match, If-Unmodified-Since, Range
            "x-ms-blob-type:BlockBlob\n" +
            "x-ms-date:" + Date + "\n" +
            "x-ms-version:2024-11-04\n" +
            "/acct/photos/a%20b/c.png"; // host-style: the account once, path as encoded

        Assert.Equal(expected, SharedKeyStringToSign.ForBlobOrQueue("PUT", uri, headers, 11, "acct"));
    }

    [Fact]
    public void Zero_content_length_is_an_empty_slot_and_repeated_query_values_are_sorted_and_joined()
    {
        var uri = new Uri("http://127.0.0.1:10001/devstoreaccount1/q/messages/id1?popreceipt=AgAA%2B%2F%3D&visibilitytimeout=0&comp=b&comp=a");
        var headers = new[] { H("x-ms-date", Date) };

        var expected =
            "PUT\n\n\n" +
            "\n" + // Content-Length 0 -> ""
            "\n\n\n\n\n\n\n\n" +
            "x-ms-date:" + Date + "\n" +
            "/devstoreaccount1/devstoreaccount1/q/messages/id1\n" +
            "comp:a,b\n" +
            "popreceipt:AgAA+/=\n" +
            "visibilitytimeout:0";

        Assert.Equal(expected, SharedKeyStringToSign.ForBlobOrQueue("PUT", uri, headers, 0, Account));
    }

    [Fact]
    public void Date_slot_carries_the_Date_header_only_when_no_x_ms_date_is_sent()
    {
        var uri = new Uri("https://acct.queue.core.windows.net/q");
        var signed = SharedKeyStringToSign.ForBlobOrQueue("HEAD", uri, [H("Date", Date)], 0, "acct");
        Assert.Equal("HEAD\n\n\n\n\n\n" + Date + "\n\n\n\n\n\n/acct/q", signed);
    }

    [Fact]
    public void Table_signs_verb_md5_type_date_and_resource()
    {
        var uri = new Uri("http://127.0.0.1:10002/devstoreaccount1/mytable(PartitionKey='a',RowKey='b')");
        var headers = new[]
        {
            H("Content-Type", "application/json"),
            H("x-ms-date", Date),
            H("x-ms-version", "2019-02-02"),
            H("If-Match", "*"),
        };

        var expected =
            "MERGE\n" +
            "\n" + // Content-MD5
            "application/json\n" +
            Date + "\n" + // x-ms-date in the Date slot
            "/devstoreaccount1/devstoreaccount1/mytable(PartitionKey='a',RowKey='b')";

        Assert.Equal(expected, SharedKeyStringToSign.ForTable("MERGE", uri, headers, Account));
    }

    [Fact]
    public void Table_resource_keeps_only_comp_from_the_query()
    {
        var uri = new Uri("https://acct.table.core.windows.net/mytable?timeout=30&comp=acl&$top=5");
        var expected = "GET\n\n\n" + Date + "\n/acct/mytable?comp=acl";
        Assert.Equal(expected, SharedKeyStringToSign.ForTable("GET", uri, [H("x-ms-date", Date)], "acct"));
    }

    [Fact]
    public void Table_query_parameters_other_than_comp_are_not_signed()
    {
        var uri = new Uri("https://acct.table.core.windows.net/mytable()?$filter=PartitionKey%20eq%20'a'&$top=5");
        var expected = "GET\n\napplication/json\n" + Date + "\n/acct/mytable()";
        var headers = new[] { H("x-ms-date", Date), H("Content-Type", "application/json") };
        Assert.Equal(expected, SharedKeyStringToSign.ForTable("GET", uri, headers, "acct"));
    }

    [Fact]
    public void Signature_is_base64_hmac_sha256_of_the_utf8_string_under_the_decoded_key()
    {
        var key = Convert.FromBase64String(StorageConnection.DevelopmentAccountKey);
        var stringToSign = "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:" + Date + "\nx-ms-version:2024-11-04\n/devstoreaccount1/devstoreaccount1/myqueue";

        // Expected values computed independently with Python's hmac/hashlib/base64.
        Assert.Equal("085cTkSp22Qm6kmDrAF3WxqCoEPyByGGSpjHL57pSQQ=", StorageSignature.Compute(key, stringToSign));
        Assert.Equal("wdOWBTai2wnRdHcaoBWznQq0nDj1qhQ7YVGuW9nhKMI=", StorageSignature.Compute(key, "h\u00e9llo \u65e5\u672c"));
    }
}
