using System.Text;
using System.Web;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>Known answers for the user delegation SAS (sv=2024-11-04: 24 fields joined with '\n').</summary>
public sealed class BlobUserDelegationSasTests
{
    static readonly DateTimeOffset Expiry = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    static readonly UserDelegationKey Key = new(
        "11111111-2222-3333-4444-555555555555",
        "66666666-7777-8888-9999-000000000000",
        new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2030, 1, 8, 0, 0, 0, TimeSpan.Zero),
        "b",
        "2024-11-04",
        Encoding.ASCII.GetBytes("a-user-delegation-key-for-tests!"));

    static BlobUserDelegationSas Sas() => new("myacct", "files", "42/files/0", "r", Expiry, Key);

    [Fact]
    public void String_to_sign_has_twenty_four_fields_in_the_2020_12_06_layout()
    {
        var expected = string.Join("\n",
            "r",                                      // sp
            "",                                       // st
            "2030-01-02T03:04:05Z",                   // se
            "/blob/myacct/files/42/files/0",          // canonicalized resource
            "11111111-2222-3333-4444-555555555555",   // skoid
            "66666666-7777-8888-9999-000000000000",   // sktid
            "2030-01-01T00:00:00Z",                   // skt
            "2030-01-08T00:00:00Z",                   // ske
            "b",                                      // sks
            "2024-11-04",                             // skv
            "",                                       // saoid
            "",                                       // suoid
            "",                                       // scid
            "",                                       // sip
            "",                                       // spr
            "2024-11-04",                             // sv
            "b",                                      // sr
            "",                                       // snapshot time
            "",                                       // ses
            "", "", "", "", "");                      // rscc, rscd, rsce, rscl, rsct

        Assert.Equal(expected, Sas().StringToSign());
        Assert.Equal(24, Sas().StringToSign().Split('\n').Length);
    }

    [Fact]
    public void Query_carries_the_key_fields_and_the_signature_made_with_the_key_value()
    {
        var query = HttpUtility.ParseQueryString(Sas().ToQuery());

        Assert.Equal("2024-11-04", query["sv"]);
        Assert.Equal("2030-01-02T03:04:05Z", query["se"]);
        Assert.Equal("b", query["sr"]);
        Assert.Equal("r", query["sp"]);
        Assert.Equal("11111111-2222-3333-4444-555555555555", query["skoid"]);
        Assert.Equal("66666666-7777-8888-9999-000000000000", query["sktid"]);
        Assert.Equal("2030-01-01T00:00:00Z", query["skt"]);
        Assert.Equal("2030-01-08T00:00:00Z", query["ske"]);
        Assert.Equal("b", query["sks"]);
        Assert.Equal("2024-11-04", query["skv"]);
        Assert.Null(query["st"]);
        Assert.Null(query["spr"]);
        // Computed independently with Python (hmac, hashlib, base64) over the string in the first test.
        Assert.Equal("I8AvUWJHy779loB07SqklvabcBOb5Sfm2ztIY+11kPw=", query["sig"]);
    }

    [Fact]
    public void Printing_the_key_never_shows_its_value()
    {
        var printed = Key.ToString();
        Assert.DoesNotContain(Convert.ToBase64String(Key.Value), printed);
        Assert.Contains("(hidden)", printed);
        Assert.Contains(Key.SignedObjectId, printed);
    }
}
