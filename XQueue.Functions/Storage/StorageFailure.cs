using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Azure;

namespace XQueue.Functions.Storage;

/// <summary>
/// Turns a non-success answer into <see cref="RequestFailedException"/> carrying the storage error code.
/// The message names only the operation, status and code: the service's own text can quote the request
/// (URL query with a SAS, or the signature it rejected), so it is never copied.
/// </summary>
internal static class StorageFailure
{
    public static RequestFailedException From(Response response, string operation, StorageService service)
    {
        var code = ErrorCode(response, service);
        var message = code is null
            ? $"Storage operation {operation} failed with status {response.Status}."
            : $"Storage operation {operation} failed with status {response.Status} ({code}).";
        return new RequestFailedException(response.Status, message, code, null);
    }

    public static string? ErrorCode(Response response, StorageService service)
    {
        if (response.Headers.TryGetValue("x-ms-error-code", out var header) && !string.IsNullOrEmpty(header))
            return header;
        var body = response.Content;
        if (body is null || body.ToMemory().IsEmpty) return null;
        return service == StorageService.Table ? CodeFromJson(body) : CodeFromXml(body);
    }

    static string? CodeFromXml(BinaryData body)
    {
        try
        {
            using var reader = XmlReader.Create(body.ToStream(), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            return XDocument.Load(reader).Root?.Element("Code")?.Value;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    static string? CodeFromJson(BinaryData body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("odata.error", out var error)
                   && error.ValueKind == JsonValueKind.Object
                   && error.TryGetProperty("code", out var code)
                   && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
