using System.Xml.Linq;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>The KeyInfo request body and the UserDelegationKey answer of Get User Delegation Key.</summary>
public sealed class UserDelegationKeyXmlTests
{
    const string SecretValue = "YS11c2VyLWRlbGVnYXRpb24ta2V5LWZvci10ZXN0cyE=";

    const string Answer = """
        <?xml version="1.0" encoding="utf-8"?>
        <UserDelegationKey>
          <SignedOid>11111111-2222-3333-4444-555555555555</SignedOid>
          <SignedTid>66666666-7777-8888-9999-000000000000</SignedTid>
          <SignedStart>2030-01-01T00:00:00Z</SignedStart>
          <SignedExpiry>2030-01-02T00:00:00Z</SignedExpiry>
          <SignedService>b</SignedService>
          <SignedVersion>2024-11-04</SignedVersion>
          <Value>YS11c2VyLWRlbGVnYXRpb24ta2V5LWZvci10ZXN0cyE=</Value>
        </UserDelegationKey>
        """;

    [Fact]
    public void The_request_names_start_and_expiry_in_utc_seconds()
    {
        var body = UserDelegationKeyXml.Request(
            new DateTimeOffset(2030, 1, 1, 2, 0, 0, TimeSpan.FromHours(2)),
            new DateTimeOffset(2030, 1, 2, 0, 0, 0, 500, TimeSpan.Zero)).ToString();

        Assert.Equal("<KeyInfo><Start>2030-01-01T00:00:00Z</Start><Expiry>2030-01-02T00:00:00Z</Expiry></KeyInfo>", body);
    }

    [Fact]
    public void The_answer_is_read_field_by_field()
    {
        var key = UserDelegationKeyXml.Parse(BinaryData.FromString(Answer));

        Assert.Equal("11111111-2222-3333-4444-555555555555", key.SignedObjectId);
        Assert.Equal("66666666-7777-8888-9999-000000000000", key.SignedTenantId);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), key.SignedStart);
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 0, 0, 0, TimeSpan.Zero), key.SignedExpiry);
        Assert.Equal("b", key.SignedService);
        Assert.Equal("2024-11-04", key.SignedVersion);
        Assert.Equal(Convert.FromBase64String(SecretValue), key.Value);
    }

    [Theory]
    [InlineData("SignedOid")]
    [InlineData("SignedExpiry")]
    [InlineData("Value")]
    public void A_missing_field_is_named(string field)
    {
        var document = XDocument.Parse(Answer);
        document.Root!.Element(field)!.Remove();

        var error = Assert.Throws<FormatException>(() => UserDelegationKeyXml.Parse(BinaryData.FromString(document.ToString())));

        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void A_value_that_is_not_base64_is_named_but_not_echoed()
    {
        var broken = Answer.Replace(SecretValue, "not*base64!secret", StringComparison.Ordinal);

        var error = Assert.Throws<FormatException>(() => UserDelegationKeyXml.Parse(BinaryData.FromString(broken)));

        Assert.Contains("<Value>", error.Message);
        Assert.DoesNotContain("not*base64!secret", error.ToString());
    }

    [Fact]
    public void A_cut_off_answer_is_reported_without_echoing_the_body()
    {
        var cutInsideValue = Answer[..(Answer.IndexOf(SecretValue, StringComparison.Ordinal) + SecretValue.Length)];

        var error = Assert.Throws<FormatException>(() => UserDelegationKeyXml.Parse(BinaryData.FromString(cutInsideValue)));

        Assert.DoesNotContain(SecretValue, error.ToString());
    }
}
