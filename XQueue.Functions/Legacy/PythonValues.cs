using System.Text.Json;

namespace XQueue.Functions.Legacy;

/// <summary>What the original's Python does to header values: <c>str(x)</c> and <c>int(x)</c>.</summary>
public static class PythonValues
{
    public static string Str(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        _ => value.GetRawText(),
    };

    /// <summary>
    /// <c>int(x)</c> for a JSON value: integers, integral-or-not numbers (truncated), numeric strings
    /// (whitespace, sign, digit underscores) and booleans. Null when Python would raise. An integer too
    /// large for any id maps to 0, which no submission has.
    /// </summary>
    public static long? Int(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True: return 1;
            case JsonValueKind.False: return 0;
            case JsonValueKind.Number:
                if (value.TryGetInt64(out var whole)) return whole;
                return value.TryGetDouble(out var real) && double.IsFinite(real) && Math.Abs(real) < 9e15 ? (long)Math.Truncate(real) : 0;
            case JsonValueKind.String:
                return IntFromString(value.GetString()!);
            default:
                return null;
        }
    }

    static long? IntFromString(string text)
    {
        var span = text.AsSpan().Trim();
        var negative = false;
        if (span.Length > 0 && span[0] is '+' or '-')
        {
            negative = span[0] == '-';
            span = span[1..];
        }
        if (span.Length == 0 || span[0] == '_' || span[^1] == '_') return null;
        long result = 0;
        var overflow = false;
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (c == '_' && span[i - 1] != '_') continue;
            if (c is < '0' or > '9') return null;
            if (result > (long.MaxValue - 9) / 10) overflow = true;
            else result = result * 10 + (c - '0');
        }
        if (overflow) return 0;
        return negative ? -result : result;
    }
}
