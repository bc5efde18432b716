using System.Net;
using System.Text.Json;

namespace XQueue.Functions.Tests.Infrastructure;

public sealed record LegacyResult(int ReturnCode, JsonElement Content, string RawBody, HttpStatusCode Status)
{
    public string Text => Content.ValueKind == JsonValueKind.String ? Content.GetString()! : Content.GetRawText();
}
