using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

public sealed class TableFilterTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "'it''s'")]
    [InlineData("''", "''''''")]
    [InlineData("", "''")]
    public void Quote_doubles_single_quotes(string value, string expected) => Assert.Equal(expected, TableFilter.Quote(value));

    [Fact]
    public void DateTime_is_utc_with_seven_fractional_digits()
    {
        var value = new DateTimeOffset(2024, 1, 1, 2, 0, 0, TimeSpan.FromHours(2));
        Assert.Equal("datetime'2024-01-01T00:00:00.0000000Z'", TableFilter.DateTime(value));
    }

    [Theory]
    [InlineData(123L, "123L")]
    [InlineData(-9_000_000_000L, "-9000000000L")]
    public void Int64_has_the_L_suffix(long value, string expected) => Assert.Equal(expected, TableFilter.Int64(value));

    [Fact]
    public void Guid_is_a_guid_literal() =>
        Assert.Equal("guid'01234567-89ab-cdef-0123-456789abcdef'", TableFilter.Guid(Guid.Parse("01234567-89ab-cdef-0123-456789abcdef")));
}
