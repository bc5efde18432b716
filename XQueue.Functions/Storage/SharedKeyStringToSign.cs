using System.Globalization;
using System.Text;

namespace XQueue.Functions.Storage;

/// <summary>
/// The Shared Key string-to-sign, built from a request's verb, URI and headers. Pure so that it can be
/// checked against hand-built strings; the signing policy feeds it the real request.
/// </summary>
internal static class SharedKeyStringToSign
{
    /// <summary>Blob and Queue: twelve standard header slots, then x-ms-* headers, then the full resource.</summary>
    public static string ForBlobOrQueue(
        string verb, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, long contentLength, string accountName)
    {
        var lookup = ToLookup(headers);
        string Header(string name) => lookup.TryGetValue(name, out var value) ? value : "";

        var builder = new StringBuilder();
        builder.Append(verb.ToUpperInvariant()).Append('\n');
        builder.Append(Header("Content-Encoding")).Append('\n');
        builder.Append(Header("Content-Language")).Append('\n');
        // Since version 2015-02-21 a zero length is signed as an empty slot.
        builder.Append(contentLength == 0 ? "" : contentLength.ToString(CultureInfo.InvariantCulture)).Append('\n');
        builder.Append(Header("Content-MD5")).Append('\n');
        builder.Append(Header("Content-Type")).Append('\n');
        // Empty whenever x-ms-date is sent, which the headers policy always does.
        builder.Append(lookup.ContainsKey("x-ms-date") ? "" : Header("Date")).Append('\n');
        builder.Append(Header("If-Modified-Since")).Append('\n');
        builder.Append(Header("If-Match")).Append('\n');
        builder.Append(Header("If-None-Match")).Append('\n');
        builder.Append(Header("If-Unmodified-Since")).Append('\n');
        builder.Append(Header("Range")).Append('\n');

        foreach (var (name, value) in lookup
                     .Where(header => header.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
                     .Select(header => (Name: header.Key.ToLowerInvariant(), header.Value))
                     .OrderBy(header => header.Name, StringComparer.Ordinal))
        {
            builder.Append(name).Append(':').Append(CollapseWhitespace(value)).Append('\n');
        }

        builder.Append('/').Append(accountName).Append(uri.AbsolutePath);
        foreach (var (name, values) in QueryParameters(uri))
        {
            values.Sort(StringComparer.Ordinal);
            builder.Append('\n').Append(name).Append(':').AppendJoin(',', values);
        }
        return builder.ToString();
    }

    /// <summary>Table: verb, Content-MD5, Content-Type, date, and a resource that keeps only ?comp.</summary>
    public static string ForTable(
        string verb, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, string accountName)
    {
        var lookup = ToLookup(headers);
        string Header(string name) => lookup.TryGetValue(name, out var value) ? value : "";

        // Only x-ms-date is ever sent, and the service accepts it in the Date slot.
        var date = lookup.TryGetValue("x-ms-date", out var msDate) ? msDate : Header("Date");
        var resource = $"/{accountName}{uri.AbsolutePath}";
        var comp = QueryParameters(uri).FirstOrDefault(parameter => parameter.Name == "comp");
        if (comp.Values is not null) resource += "?comp=" + string.Join(',', comp.Values);

        return $"{verb.ToUpperInvariant()}\n{Header("Content-MD5")}\n{Header("Content-Type")}\n{date}\n{resource}";
    }

    static Dictionary<string, string> ToLookup(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var lookup = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            lookup[name] = lookup.TryGetValue(name, out var earlier) ? earlier + "," + value : value;
        }
        return lookup;
    }

    static string CollapseWhitespace(string value) =>
        string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Lower-cased names in ordinal order with their decoded values.</summary>
    static IEnumerable<(string Name, List<string> Values)> QueryParameters(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0) return [];
        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]).ToLowerInvariant();
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!parameters.TryGetValue(name, out var values)) parameters[name] = values = [];
            values.Add(value);
        }
        return parameters.Select(parameter => (parameter.Key, parameter.Value));
    }
}
