using System.Web;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>Known answers for the blob service SAS (sv=2024-11-04, 16 fields joined with '\n').</summary>
public sealed class BlobServiceSasTests
{
    static readonly DateTimeOffset Expiry = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void String_to_sign_has_sixteen_fields_with_the_account_named_once()
    {
        var sas = new BlobServiceSas("devstoreaccount1", "photos", "a/b.png", "r", null, Expiry);

        var expected = string.Join("\n",
            "r",                                   // sp
            "",                                    // st
            "2030-01-02T03:04:05Z",                // se
            "/blob/devstoreaccount1/photos/a/b.png",
            "",                                    // si
            "",                                    // sip
            "",                                    // spr
            "2024-11-04",                          // sv
            "b",                                   // sr
            "",                                    // snapshot time / version id
            "",                                    // ses
            "", "", "", "", "");                   // rscc, rscd, rsce, rscl, rsct

        Assert.Equal(expected, sas.StringToSign());
        Assert.Equal(15, sas.StringToSign().Count(c => c == '\n'));
    }

    [Fact]
    public void Start_time_is_signed_in_utc_when_given()
    {
        var start = new DateTimeOffset(2030, 1, 2, 5, 0, 0, TimeSpan.FromHours(2));
        var sas = new BlobServiceSas("acct", "c", "b", "r", start, Expiry);
        Assert.StartsWith("r\n2030-01-02T03:00:00Z\n2030-01-02T03:04:05Z\n/blob/acct/c/b\n", sas.StringToSign());
    }

    [Fact]
    public void Query_carries_the_fields_and_the_signature()
    {
        var key = Convert.FromBase64String(StorageConnection.DevelopmentAccountKey);
        var sas = new BlobServiceSas("devstoreaccount1", "photos", "a/b.png", "r", null, Expiry);

        var query = HttpUtility.ParseQueryString(sas.ToQuery(key));

        Assert.Equal("2024-11-04", query["sv"]);
        Assert.Equal("2030-01-02T03:04:05Z", query["se"]);
        Assert.Equal("b", query["sr"]);
        Assert.Equal("r", query["sp"]);
        Assert.Null(query["st"]);
        Assert.Null(query["spr"]);
        // Computed independently with Python over the string in the first test.
        Assert.Equal("a4dKs6jbhfha4Zz6RRDCb6hcmaKRGPWU3dvGjBYCrIU=", query["sig"]);
    }
}
