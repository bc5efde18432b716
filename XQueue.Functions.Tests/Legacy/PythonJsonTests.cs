using XQueue.Functions.Legacy;

namespace XQueue.Functions.Tests.Legacy;

/// <summary>Expected strings are what CPython 3's json.dumps prints for the same values.</summary>
public sealed class PythonJsonTests
{
    [Theory]
    [InlineData("OK", "{\"return_code\": 0, \"content\": \"OK\"}")]
    [InlineData("quote \" slash \\ /", "{\"return_code\": 0, \"content\": \"quote \\\" slash \\\\ /\"}")]
    [InlineData("tab\tnl\ncr\rbs\bff\fnul\u0000del\u007f", "{\"return_code\": 0, \"content\": \"tab\\tnl\\ncr\\rbs\\bff\\fnul\\u0000del\\u007f\"}")]
    [InlineData("é中😀", "{\"return_code\": 0, \"content\": \"\\u00e9\\u4e2d\\ud83d\\ude00\"}")]
    [InlineData("<script>", "{\"return_code\": 0, \"content\": \"<script>\"}")]
    public void Writes_strings_like_json_dumps(string content, string expected) =>
        Assert.Equal(expected, PythonJson.Dumps(("return_code", 0), ("content", content)));

    [Fact]
    public void Writes_integers_null_booleans_and_nested_objects()
    {
        var nested = new[] { KeyValuePair.Create("a", (object?)1L) };
        Assert.Equal("{\"n\": 12, \"z\": null, \"t\": true, \"f\": false, \"o\": {\"a\": 1}, \"e\": {}}",
            PythonJson.Dumps(("n", 12), ("z", null), ("t", true), ("f", false), ("o", nested), ("e", Array.Empty<KeyValuePair<string, object?>>())));
    }
}
