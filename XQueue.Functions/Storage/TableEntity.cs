using System.Collections.ObjectModel;

namespace XQueue.Functions.Storage;

/// <summary>
/// A table row: its keys plus a bag of typed properties. Values may be string, int, long, double, bool,
/// DateTimeOffset, byte[] or Guid. Getters convert only where no information can be lost, because the
/// service may hand a number back in a narrower JSON form than it was written in.
/// </summary>
public sealed class TableEntity
{
    readonly Dictionary<string, object?> properties = new(StringComparer.Ordinal);
    readonly ReadOnlyDictionary<string, object?> readOnlyProperties;

    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey ?? throw new ArgumentNullException(nameof(partitionKey));
        RowKey = rowKey ?? throw new ArgumentNullException(nameof(rowKey));
        readOnlyProperties = properties.AsReadOnly();
    }

    public string PartitionKey { get; }

    public string RowKey { get; }

    /// <summary>Opaque concurrency token, as the service returned it; pass it back as If-Match.</summary>
    public string? ETag { get; set; }

    /// <summary>Server-maintained last-modified time; never written.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    public IReadOnlyDictionary<string, object?> Properties => readOnlyProperties;

    /// <summary>Gets a property (null when absent) or sets one; setting null removes it.</summary>
    public object? this[string name]
    {
        get => properties.GetValueOrDefault(name);
        set
        {
            ValidateName(name);
            if (value is null)
            {
                properties.Remove(name);
                return;
            }
            if (value is not (string or int or long or double or bool or DateTimeOffset or byte[] or Guid))
                throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", nameof(value));
            properties[name] = value;
        }
    }

    public string? GetString(string name) => Get(name, value => value as string);

    public int? GetInt32(string name) => Get<int?>(name, value => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        _ => null,
    });

    public long? GetInt64(string name) => Get<long?>(name, value => value switch
    {
        long l => l,
        int i => i,
        _ => null,
    });

    public double? GetDouble(string name) => Get<double?>(name, value => value switch
    {
        double d => d,
        int i => i,
        _ => null,
    });

    public bool? GetBoolean(string name) => Get<bool?>(name, value => value as bool?);

    public DateTimeOffset? GetDateTimeOffset(string name) => Get<DateTimeOffset?>(name, value => value as DateTimeOffset?);

    public byte[]? GetBinary(string name) => Get(name, value => value as byte[]);

    public Guid? GetGuid(string name) => Get<Guid?>(name, value => value as Guid?);

    T? Get<T>(string name, Func<object, T?> convert)
    {
        if (!properties.TryGetValue(name, out var value) || value is null) return default;
        var wanted = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return convert(value) ?? throw new InvalidCastException(
            $"Property '{name}' holds a {value.GetType().Name}, which cannot be read as {wanted.Name}.");
    }

    internal static bool IsReservedName(string name) =>
        name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal)
        || name.Contains('@', StringComparison.Ordinal);

    static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (IsReservedName(name))
            throw new ArgumentException($"'{name}' is a system property or an annotation, not a user property.", nameof(name));
    }
}
