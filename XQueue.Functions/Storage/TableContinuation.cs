using System.Buffers.Text;
using System.Text;
using Azure;

namespace XQueue.Functions.Storage;

/// <summary>
/// The service's two continuation headers (NextPartitionKey, NextRowKey) folded into one opaque token,
/// so callers hold a single string. Each part is base64url, and a '.' separates them.
/// </summary>
internal sealed record TableContinuation(string NextPartitionKey, string? NextRowKey)
{
    /// <summary>The continuation a query response carries, or null when it was the last page.</summary>
    public static TableContinuation? FromResponse(Response response)
    {
        if (!response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var partitionKey) || string.IsNullOrEmpty(partitionKey))
            return null;
        var hasRowKey = response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var rowKey) && !string.IsNullOrEmpty(rowKey);
        return new TableContinuation(partitionKey, hasRowKey ? rowKey : null);
    }

    public string Encode() => NextRowKey is null ? Part(NextPartitionKey) : Part(NextPartitionKey) + "." + Part(NextRowKey);

    public static TableContinuation Decode(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.Split('.');
        try
        {
            return parts.Length switch
            {
                1 => new TableContinuation(Unpart(parts[0]), null),
                2 => new TableContinuation(Unpart(parts[0]), Unpart(parts[1])),
                _ => throw new FormatException(),
            };
        }
        catch (FormatException)
        {
            throw new ArgumentException("Not a continuation token returned by a table query.", nameof(token));
        }
    }

    static string Part(string value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));

    static string Unpart(string part) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(part));
}
