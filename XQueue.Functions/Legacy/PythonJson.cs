using System.Text;

namespace XQueue.Functions.Legacy;

/// <summary>
/// JSON exactly as Python's <c>json.dumps</c> writes it with default arguments: <c>", "</c> and <c>": "</c>
/// separators, keys in insertion order, and <c>ensure_ascii</c> (everything outside printable ASCII as
/// lowercase <c>\uXXXX</c>). System.Text.Json cannot produce these separators, hence this small writer.
/// Values: string, int, long, bool, null, or a nested list of key/value pairs.
/// </summary>
public static class PythonJson
{
    public static string Dumps(IEnumerable<KeyValuePair<string, object?>> members)
    {
        var builder = new StringBuilder();
        WriteObject(builder, members);
        return builder.ToString();
    }

    public static string Dumps(params (string Key, object? Value)[] members) =>
        Dumps(members.Select(m => KeyValuePair.Create(m.Key, m.Value)));

    /// <summary>A list of values written already (each one a <see cref="Dumps(IEnumerable{KeyValuePair{string, object?}})"/> result), as <c>json.dumps</c> writes a list.</summary>
    public static string List(IEnumerable<string> dumpedItems) => "[" + string.Join(", ", dumpedItems) + "]";

    static void WriteObject(StringBuilder builder, IEnumerable<KeyValuePair<string, object?>> members)
    {
        builder.Append('{');
        var first = true;
        foreach (var (key, value) in members)
        {
            if (!first) builder.Append(", ");
            first = false;
            WriteString(builder, key);
            builder.Append(": ");
            WriteValue(builder, value);
        }
        builder.Append('}');
    }

    static void WriteValue(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null: builder.Append("null"); break;
            case string text: WriteString(builder, text); break;
            case bool flag: builder.Append(flag ? "true" : "false"); break;
            case int number: builder.Append(number); break;
            case long number: builder.Append(number); break;
            case IEnumerable<KeyValuePair<string, object?>> members: WriteObject(builder, members); break;
            default: throw new ArgumentException($"PythonJson cannot write {value.GetType().Name}.", nameof(value));
        }
    }

    static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case >= ' ' and <= '~': builder.Append(c); break;
                default: builder.Append("\\u").Append(((int)c).ToString("x4")); break;
            }
        }
        builder.Append('"');
    }
}
