using System.Text.Json;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Storage;

/// <summary>The property bag and its OData JSON form, without a server.</summary>
public sealed class TableEntityTests
{
    [Fact]
    public void Setting_null_removes_a_property()
    {
        var entity = new TableEntity("p", "r") { ["A"] = "a" };
        entity["A"] = null;
        Assert.Empty(entity.Properties);
        Assert.Null(entity["A"]);
    }

    [Theory]
    [InlineData("PartitionKey")]
    [InlineData("RowKey")]
    [InlineData("Timestamp")]
    [InlineData("odata.etag")]
    [InlineData("A@odata.type")]
    [InlineData("")]
    public void System_names_and_annotations_cannot_be_set_as_properties(string name)
    {
        Assert.Throws<ArgumentException>(() => new TableEntity("p", "r")[name] = "x");
    }

    [Fact]
    public void Unsupported_value_types_are_rejected()
    {
        var entity = new TableEntity("p", "r");
        Assert.Throws<ArgumentException>(() => entity["A"] = DateTime.UtcNow);
        Assert.Throws<ArgumentException>(() => entity["A"] = 1.5m);
        Assert.Throws<ArgumentException>(() => entity["A"] = (short)1);
    }

    [Fact]
    public void Getters_widen_numbers_but_refuse_lossy_or_foreign_conversions()
    {
        var entity = new TableEntity("p", "r") { ["Int"] = 5, ["Long"] = 5_000_000_000L, ["SmallLong"] = 6L, ["Text"] = "7" };

        Assert.Equal(5L, entity.GetInt64("Int"));
        Assert.Equal(5.0, entity.GetDouble("Int"));
        Assert.Equal(6, entity.GetInt32("SmallLong"));
        Assert.Throws<InvalidCastException>(() => entity.GetInt32("Long"));
        Assert.Throws<InvalidCastException>(() => entity.GetInt32("Text"));
        Assert.Throws<InvalidCastException>(() => entity.GetString("Int"));
        Assert.Null(entity.GetInt32("Missing"));
    }

    [Fact]
    public void Writing_annotates_the_types_json_cannot_express()
    {
        var entity = new TableEntity("p'k", "r")
        {
            ["S"] = "s",
            ["I"] = 1,
            ["L"] = 2L,
            ["D"] = 2.0,
            ["B"] = true,
            ["T"] = new DateTimeOffset(2024, 1, 2, 4, 4, 5, TimeSpan.FromHours(1)),
            ["X"] = new byte[] { 1, 2, 3 },
            ["G"] = Guid.Parse("01234567-89ab-cdef-0123-456789abcdef"),
            ["N"] = double.NaN,
        };

        var json = TableEntityJson.Write(entity).ToString();

        Assert.Equal(
            "{\"PartitionKey\":\"p\\u0027k\",\"RowKey\":\"r\",\"S\":\"s\",\"I\":1," +
            "\"L\":\"2\",\"L@odata.type\":\"Edm.Int64\"," +
            "\"D\":2,\"D@odata.type\":\"Edm.Double\"," +
            "\"B\":true," +
            "\"T\":\"2024-01-02T03:04:05.0000000Z\",\"T@odata.type\":\"Edm.DateTime\"," +
            "\"X\":\"AQID\",\"X@odata.type\":\"Edm.Binary\"," +
            "\"G\":\"01234567-89ab-cdef-0123-456789abcdef\",\"G@odata.type\":\"Edm.Guid\"," +
            "\"N\":\"NaN\",\"N@odata.type\":\"Edm.Double\"}",
            json);
    }

    [Fact]
    public void Reading_restores_types_from_annotations_and_plain_json()
    {
        const string json = """
            {
              "odata.etag": "W/\"datetime'2024-01-01T00%3A00%3A00Z'\"",
              "PartitionKey": "p", "RowKey": "r",
              "Timestamp": "2024-01-01T00:00:00.1234567Z",
              "S": "s", "I": 1, "F": 1.5, "B": false,
              "L": "9007199254740993", "L@odata.type": "Edm.Int64",
              "D": 2, "D@odata.type": "Edm.Double",
              "Inf": "-INF", "Inf@odata.type": "Edm.Double",
              "T": "2024-01-02T03:04:05.1234567Z", "T@odata.type": "Edm.DateTime",
              "X": "AQID", "X@odata.type": "Edm.Binary",
              "G": "01234567-89ab-cdef-0123-456789abcdef", "G@odata.type": "Edm.Guid"
            }
            """;
        using var document = JsonDocument.Parse(json);

        var entity = TableEntityJson.Read(document.RootElement);

        Assert.Equal("W/\"datetime'2024-01-01T00%3A00%3A00Z'\"", entity.ETag);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1234567), entity.Timestamp);
        Assert.Equal("s", entity["S"]);
        Assert.Equal(1, entity["I"]);
        Assert.Equal(1.5, entity["F"]);
        Assert.Equal(false, entity["B"]);
        Assert.Equal(9007199254740993L, entity["L"]);
        Assert.Equal(2.0, entity["D"]);
        Assert.Equal(double.NegativeInfinity, entity["Inf"]);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567), entity["T"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, entity["X"]);
        Assert.Equal(Guid.Parse("01234567-89ab-cdef-0123-456789abcdef"), entity["G"]);
        Assert.Equal(10, entity.Properties.Count);
    }

    [Fact]
    public void The_etag_header_wins_over_the_body()
    {
        using var document = JsonDocument.Parse("""{"odata.etag":"body","PartitionKey":"p","RowKey":"r"}""");
        Assert.Equal("header", TableEntityJson.Read(document.RootElement, "header").ETag);
    }
}
