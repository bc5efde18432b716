using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>An app setting as written in the Bicep (interpolations in the name replaced by <see cref="BicepSource.Key"/>).</summary>
public sealed record Setting(string Name, string Value);

public sealed record ExampleUser(string Name, string Roles);

/// <summary>infra/ as read from the repository: code (without comments and descriptions), app settings, example parameters.</summary>
public sealed partial class BicepSource
{
    public required string Main { get; init; }
    public required string Code { get; init; }
    public required IReadOnlyList<Setting> Settings { get; init; }
    public required IReadOnlyDictionary<string, JsonElement> ExampleParameters { get; init; }
    public required IReadOnlyList<ExampleUser> ExampleUsers { get; init; }

    public static BicepSource Load(string infra)
    {
        var code = Directory.GetFiles(infra, "*.bicep", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(file => file, file => Description().Replace(WithoutComments(File.ReadAllText(file)), ""));
        var all = string.Join("\n", code.Values);

        var settings = SettingEntry().Matches(all)
            .Select(m => new Setting(Interpolation().Replace(m.Groups["name"].Value, Key), m.Groups["value"].Value.Trim()))
            .ToList();
        // Anything else spelling an XQueue setting (another resource, another syntax) would escape these tests.
        var spelled = Regex.Matches(all, @"XQueue__[A-Za-z0-9_.]*(\$\{[^}]*\}[A-Za-z0-9_.]*)*").Count;
        if (spelled != settings.Count(s => s.Name.StartsWith("XQueue__", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("infra/ spells an XQueue__ setting outside a { name: '...' value: ... } app setting entry.");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(infra, "main.parameters.json")));
        var parameters = document.RootElement.GetProperty("parameters").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("value").Clone(), StringComparer.Ordinal);
        var users = parameters.TryGetValue("users", out var list)
            ? list.EnumerateArray().Select(u => new ExampleUser(u.GetProperty("name").GetString()!, u.GetProperty("roles").GetString()!)).ToList()
            : [];

        return new BicepSource
        {
            Main = code.Single(f => Path.GetFileName(f.Key) == "main.bicep").Value,
            Code = all,
            Settings = settings,
            ExampleParameters = parameters,
            ExampleUsers = users,
        };
    }

    /// <summary>The example value of a parameter, else its default in main.bicep, as the app setting text.</summary>
    public string ParameterValue(string name)
    {
        if (ExampleParameters.TryGetValue(name, out var value))
        {
            return value.ValueKind == JsonValueKind.String ? value.GetString()! : JsonSerializer.Serialize(value);
        }
        var declaration = Regex.Match(Main, $@"^param {Regex.Escape(name)} \w+ = (?<default>.+)$", RegexOptions.Multiline);
        if (!declaration.Success) throw new InvalidOperationException($"Parameter {name} has neither an example value nor a default.");
        var text = declaration.Groups["default"].Value.Trim();
        return StringLiteral().Match(text) is { Success: true } literal ? literal.Groups[1].Value
            : Regex.IsMatch(text, @"^-?\d+$|^true$|^false$") ? text
            : throw new InvalidOperationException($"The default of parameter {name} is not a literal the test can read: {text}");
    }

    /// <summary>Bicep without // and /* */ comments; strings (with \' escapes and ''' blocks) kept as they are.</summary>
    static string WithoutComments(string bicep)
    {
        var result = new StringBuilder(bicep.Length);
        var i = 0;
        while (i < bicep.Length)
        {
            if (bicep.AsSpan(i).StartsWith("'''"))
            {
                var end = bicep.IndexOf("'''", i + 3, StringComparison.Ordinal);
                end = end < 0 ? bicep.Length : end + 3;
                result.Append(bicep, i, end - i);
                i = end;
            }
            else if (bicep[i] == '\'')
            {
                var end = i + 1;
                while (end < bicep.Length && bicep[end] != '\'') end += bicep[end] == '\\' ? 2 : 1;
                end = Math.Min(end + 1, bicep.Length);
                result.Append(bicep, i, end - i);
                i = end;
            }
            else if (bicep.AsSpan(i).StartsWith("//"))
            {
                while (i < bicep.Length && bicep[i] != '\n') i++;
            }
            else if (bicep.AsSpan(i).StartsWith("/*"))
            {
                var end = bicep.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? bicep.Length : end + 2;
            }
            else
            {
                result.Append(bicep[i++]);
            }
        }
        return result.ToString();
    }

    /// <summary>What an interpolation (<c>${user.name}</c>) in a setting name, and a dictionary key in an option path, become.</summary>
    public const string Key = "{key}";

    /// <summary>An app setting entry: <c>name: '...'</c> directly followed by <c>value: ...</c> (one line).</summary>
    [GeneratedRegex(@"name:\s*'(?<name>(?:[^'\\]|\\.)*)'\s*,?\s*value:\s*(?<value>[^\r\n]+)")]
    private static partial Regex SettingEntry();

    [GeneratedRegex(@"\$\{[^}]*\}")]
    private static partial Regex Interpolation();

    /// <summary>A <c>@description('...')</c> decorator: prose, which may name settings without setting them.</summary>
    [GeneratedRegex(@"@description\('(?:[^'\\]|\\.)*'\)")]
    private static partial Regex Description();

    [GeneratedRegex(@"^'((?:[^'\\$]|\\.)*)'$")]
    public static partial Regex StringLiteral();
}
