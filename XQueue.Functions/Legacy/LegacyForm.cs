using Microsoft.Extensions.Primitives;

namespace XQueue.Functions.Legacy;

/// <summary>Form reading that turns every malformed or oversized body into "no form" instead of an exception.</summary>
public static class LegacyForm
{
    /// <returns>The form; an empty one for a non-form body; null when the body cannot be read as a form.</returns>
    public static async Task<IFormCollection?> ReadAsync(HttpRequest request)
    {
        if (!request.HasFormContentType) return FormCollection.Empty;
        if (IsOversized(request)) return null;
        try
        {
            return await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// A declared length over the limit: answered with 413 before any byte is read, so a client that sent
    /// Expect: 100-continue never uploads the excess (clients still send the body after a 2xx).
    /// </summary>
    public static bool IsOversized(HttpRequest request) => request.ContentLength > LegacyLimits.RequestBytes;

    /// <summary>Django's <c>QueryDict[key]</c>: the last value of a repeated field.</summary>
    public static string? Last(StringValues values) => values.Count == 0 ? null : values[^1];
}
