using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace XQueue.Functions.Configuration;

/// <summary>
/// Checks a configuration section against the options type it binds to, before the binder sees it. The binder's
/// own failures name no key ("Cannot create instance of type 'System.String'…") or not what it expected, and
/// it silently drops a misspelt key, leaving its default in force. Every problem found names the key, what it
/// got and what it expects; all of them are thrown together, so one start shows every mistake.
/// </summary>
public static class ConfigurationShape
{
    static readonly string[] SecretWords = ["Password", "Key", "Secret", "Token"];

    /// <summary>The section bound to a new <typeparamref name="T"/> after the shape check; null when the section is absent.</summary>
    public static T? GetChecked<T>(this IConfigurationSection section)
    {
        ThrowIfWrong(section, typeof(T));
        return section.Get<T>();
    }

    /// <summary>Throws one <see cref="OptionsValidationException"/> listing every problem under <paramref name="section"/>.</summary>
    public static void ThrowIfWrong(IConfigurationSection section, Type type)
    {
        var problems = Problems(section, type);
        if (problems.Count > 0) throw new OptionsValidationException(section.Path, type, problems);
    }

    public static List<string> Problems(IConfigurationSection section, Type type)
    {
        var problems = new List<string>();
        Check(section, type, problems);
        return problems;
    }

    static void Check(IConfigurationSection section, Type type, List<string> problems, string? listExample = null)
    {
        if (IsScalar(type))
        {
            CheckValue(section, type, listExample, problems);
            return;
        }
        if (!string.IsNullOrEmpty(section.Value))
        {
            var shown = HoldsSecrets(type) ? "(hidden)" : Shown(section.Path, section.Value); // XQueue:Users:lms=<password> is an easy slip
            problems.Add($"{section.Path} is a section (keys such as {Example(section.Path, type)}), not a value; it was given {shown}.");
        }
        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in section.GetChildren()) Check(child, valueType, problems);
            return;
        }

        var properties = Settable(type).ToDictionary(property => property.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                Check(child, property.PropertyType, problems, property.GetCustomAttribute<CommaSeparatedAttribute>()?.Example);
            }
            else problems.Add(Unknown(section.Path, child.Key, properties.Keys));
        }
    }

    static void CheckValue(IConfigurationSection section, Type type, string? listExample, List<string> problems)
    {
        var expected = type == typeof(string) ? "" : $" ({Expected(type)})";
        var children = section.GetChildren().ToList();
        if (children.Count > 0)
        {
            var listed = children.All(child => int.TryParse(child.Key, out _));
            var hint = listExample is not null && listed
                ? $" Write one comma-separated value: {section.Path}={listExample}"
                : "";
            problems.Add($"{section.Path} is one value{expected}, but it was given {(listed ? "as a list" : "keys under it")}: " +
                         $"{children[0].Path}.{hint}");
            return;
        }
        if (section.Value is not { } value || Converts(type, value)) return;
        problems.Add($"{section.Path} must be {Expected(type)}; it was given {Shown(section.Path, value)}.");
    }

    // The binder's own conversion: the type's converter with the invariant culture; an empty value leaves a nullable unset.
    static bool Converts(Type type, string value)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            if (value.Length == 0) return true;
            type = underlying;
        }
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>What a value of <paramref name="type"/> looks like, in an operator's words.</summary>
    static string Expected(Type type)
    {
        var nullable = Nullable.GetUnderlyingType(type) is not null;
        type = Nullable.GetUnderlyingType(type) ?? type;
        var words = type switch
        {
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(TimeSpan) => "a TimeSpan such as 00:01:00 or 1.00:00:00",
            _ when type.IsEnum => "one of: " + string.Join(", ", Enum.GetNames(type)),
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(double) || type == typeof(decimal) => "a number",
            _ => $"a {type.Name}",
        };
        return nullable ? words + " (or empty)" : words;
    }

    static string Unknown(string parent, string key, IEnumerable<string> known)
    {
        var nearest = known.Select(name => (Name: name, Distance: Distance(key.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(candidate => candidate.Distance <= Math.Max(1, candidate.Name.Length / 3))
            .OrderBy(candidate => candidate.Distance)
            .Select(candidate => candidate.Name)
            .FirstOrDefault();
        var suggestion = nearest is null ? "" : $" Did you mean {parent}:{nearest}?";
        // Refused rather than ignored: a misspelt setting would otherwise leave its default silently in force.
        return $"{parent}:{key} is not a setting.{suggestion}";
    }

    // Levenshtein distance: the number of single-letter edits between two names.
    static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }

    static string Example(string path, Type type) => DictionaryValueType(type) is { } valueType
        ? $"{path}:<name>:{Settable(valueType).First().Name}"
        : $"{path}:{Settable(type).First().Name}";

    static string Shown(string path, string value) => path.Split(':').Any(IsSecretName) ? "(hidden)" : $"'{value}'";

    static bool IsSecretName(string name) => SecretWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));

    static bool HoldsSecrets(Type type) => Settable(DictionaryValueType(type) ?? type).Any(property => IsSecretName(property.Name));

    static bool IsScalar(Type type) => TypeDescriptor.GetConverter(Nullable.GetUnderlyingType(type) ?? type).CanConvertFrom(typeof(string));

    static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;

    static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.SetMethod is { IsPublic: true });
}
