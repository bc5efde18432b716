using System.Text.RegularExpressions;

namespace XQueue.Functions.Storage;

/// <summary>
/// Name rules checked before a name becomes part of a URL path, so a bad name fails here with a clear
/// message instead of addressing some other resource (e.g. "a/b") or failing as an opaque 400.
/// </summary>
internal static partial class ResourceNames
{
    /// <summary>Queues and containers: 3-63 of [a-z0-9-], starting and ending alphanumeric, no "--".</summary>
    public static string ValidateQueueOrContainer(string name, string kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        return LowercaseDashed().IsMatch(name) && !name.Contains("--", StringComparison.Ordinal)
            ? name
            : throw new ArgumentException($"'{name}' is not a valid {kind} name.", nameof(name));
    }

    /// <summary>Tables: 3-63 alphanumerics starting with a letter.</summary>
    public static string ValidateTable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TableName().IsMatch(name) && !name.Equals("tables", StringComparison.OrdinalIgnoreCase)
            ? name
            : throw new ArgumentException($"'{name}' is not a valid table name.", nameof(name));
    }

    public static string ValidateBlob(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > 1024) throw new ArgumentException("A blob name has at most 1024 characters.", nameof(name));
        // System.Uri collapses "." and ".." segments, which would silently address a different blob.
        return name.Split('/').Any(segment => segment is "." or "..")
            ? throw new ArgumentException($"Blob name '{name}' has a '.' or '..' segment.", nameof(name))
            : name;
    }

    /// <summary>A child URI of <paramref name="parent"/>; each '/'-separated segment is escaped on its own.</summary>
    public static Uri Child(Uri parent, string relativePath)
    {
        var escaped = string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));
        return new Uri(parent.AbsoluteUri.TrimEnd('/') + "/" + escaped);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex LowercaseDashed();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();
}
