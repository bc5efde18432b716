namespace XQueue.Functions.Storage;

/// <summary>
/// The "Key=Value;Key=Value" layer of a storage connection string: keys case-insensitive, order free,
/// empty segments (a trailing ';') ignored. Messages name keys only, since values may be secrets.
/// </summary>
internal sealed class ConnectionStringSettings
{
    readonly Dictionary<string, string> values;

    ConnectionStringSettings(Dictionary<string, string> values) => this.values = values;

    public int Count => values.Count;

    public bool TryGet(string key, out string value) => values.TryGetValue(key, out value!);

    public static ConnectionStringSettings Read(string connectionString)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var segments = connectionString.Split(';');
        for (var index = 0; index < segments.Length; index++)
        {
            var segment = segments[index].Trim();
            if (segment.Length == 0) continue;

            var equals = segment.IndexOf('=');
            if (equals <= 0)
                throw new FormatException($"Connection string segment {index + 1} is not of the form Key=Value.");

            var key = segment[..equals].Trim();
            if (!key.All(char.IsAsciiLetter))
                throw new FormatException($"Connection string segment {index + 1} has an invalid key.");
            // Base64 keys end in '=', so only the first '=' separates key from value.
            var value = segment[(equals + 1)..].Trim();
            if (!values.TryAdd(key, value))
                throw new FormatException($"Connection string setting '{key}' appears more than once.");
        }
        if (values.Count == 0) throw new FormatException("The connection string is empty.");
        return values.ContainsKey("SharedAccessSignature")
            ? throw new FormatException("SharedAccessSignature connection strings are not supported.")
            : new ConnectionStringSettings(values);
    }
}
