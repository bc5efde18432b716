using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace XQueue.Functions.Storage;

/// <summary>
/// Entities as OData JSON. Types JSON cannot tell apart are written with "Name@odata.type"; reading
/// relies on minimalmetadata responses carrying the same annotations back.
/// </summary>
internal static class TableEntityJson
{
    const string TypeSuffix = "@odata.type";

    public static BinaryData Write(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("PartitionKey", entity.PartitionKey);
            writer.WriteString("RowKey", entity.RowKey);
            foreach (var (name, value) in entity.Properties) WriteProperty(writer, name, value!);
            writer.WriteEndObject();
        }
        return new BinaryData(buffer.WrittenMemory);
    }

    static void WriteProperty(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string text:
                writer.WriteString(name, text);
                break;
            case int number:
                writer.WriteNumber(name, number);
                break;
            case bool flag:
                writer.WriteBoolean(name, flag);
                break;
            case long number:
                // A JSON number would lose precision beyond 2^53 in many readers, so OData sends Int64 as text.
                writer.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
                writer.WriteString(name + TypeSuffix, "Edm.Int64");
                break;
            case double number:
                // Annotated so that 2.0 stays a double instead of coming back as Int32.
                if (double.IsFinite(number)) writer.WriteNumber(name, number);
                else writer.WriteString(name, double.IsNaN(number) ? "NaN" : number > 0 ? "INF" : "-INF");
                writer.WriteString(name + TypeSuffix, "Edm.Double");
                break;
            case DateTimeOffset time:
                writer.WriteString(name, FormatDateTime(time));
                writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                break;
            case byte[] bytes:
                writer.WriteBase64String(name, bytes);
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                break;
            case Guid guid:
                writer.WriteString(name, guid.ToString("D"));
                writer.WriteString(name + TypeSuffix, "Edm.Guid");
                break;
            default:
                throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.");
        }
    }

    /// <summary>The Edm.DateTime text: UTC, seven fractional digits (the service's precision).</summary>
    public static string FormatDateTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads one entity object; <paramref name="etagHeader"/> (if any) wins over odata.etag.</summary>
    public static TableEntity Read(JsonElement json, string? etagHeader = null)
    {
        var partitionKey = RequiredString(json, "PartitionKey");
        var rowKey = RequiredString(json, "RowKey");
        var entity = new TableEntity(partitionKey, rowKey)
        {
            ETag = etagHeader ?? (json.TryGetProperty("odata.etag", out var etag) ? etag.GetString() : null),
        };

        foreach (var property in json.EnumerateObject())
        {
            var name = property.Name;
            if (name == "Timestamp")
            {
                // The emulator drops Timestamp's annotation, so it is parsed without needing one.
                entity.Timestamp = ParseDateTime(property.Value.GetString());
                continue;
            }
            if (TableEntity.IsReservedName(name)) continue;

            var type = json.TryGetProperty(name + TypeSuffix, out var annotation) ? annotation.GetString() : null;
            entity[name] = ReadValue(name, property.Value, type);
        }
        return entity;
    }

    static object? ReadValue(string name, JsonElement value, string? edmType)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        return edmType switch
        {
            null or "Edm.String" or "Edm.Int32" or "Edm.Boolean" => ReadUnannotated(name, value),
            "Edm.Int64" => value.ValueKind == JsonValueKind.Number
                ? value.GetInt64()
                : long.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            "Edm.Double" => value.ValueKind == JsonValueKind.Number ? value.GetDouble() : ParseSpecialDouble(value.GetString()),
            "Edm.DateTime" => ParseDateTime(value.GetString()),
            "Edm.Binary" => value.GetBytesFromBase64(),
            "Edm.Guid" => Guid.Parse(value.GetString()!),
            _ => throw new FormatException($"Property '{name}' has unsupported type {edmType}."),
        };
    }

    static object ReadUnannotated(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        // Whole numbers that fit are Int32 (what an unannotated number means); anything else a double.
        JsonValueKind.Number => value.TryGetInt32(out var whole) ? (object)whole : value.GetDouble(),
        _ => throw new FormatException($"Property '{name}' holds a JSON {value.ValueKind}, which no table type matches."),
    };

    // JSON has no NaN or infinities, so OData spells them as strings.
    static double ParseSpecialDouble(string? text) => text switch
    {
        "NaN" => double.NaN,
        "INF" or "Infinity" => double.PositiveInfinity,
        "-INF" or "-Infinity" => double.NegativeInfinity,
        _ => double.Parse(text ?? "", NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    static DateTimeOffset? ParseDateTime(string? text) => text is null
        ? null
        : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    static string RequiredString(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"A table entity arrived without {name}.");
}
