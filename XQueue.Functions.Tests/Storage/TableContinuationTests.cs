using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

public sealed class TableContinuationTests
{
    [Theory]
    [InlineData("1!8!cA--", "1!12!cm93MDEw")]
    [InlineData("only partition", null)]
    [InlineData("dots.and/slashes+plus=", "ünïcødé")]
    public void Both_service_tokens_survive_the_single_opaque_string(string partitionKey, string? rowKey)
    {
        var token = new TableContinuation(partitionKey, rowKey).Encode();
        Assert.Equal(new TableContinuation(partitionKey, rowKey), TableContinuation.Decode(token));
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("not base64!")]
    public void A_foreign_string_is_an_argument_error(string token) =>
        Assert.Throws<ArgumentException>(() => TableContinuation.Decode(token));
}
