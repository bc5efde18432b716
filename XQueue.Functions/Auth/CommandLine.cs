namespace XQueue.Functions.Auth;

/// <summary>
/// The operator commands' arguments: positional words, <c>--name value</c> options of the command, and
/// everything else (<c>--XQueue:Key=Value</c>) passed on to configuration, as for the service itself.
/// </summary>
public sealed record CommandLine(IReadOnlyList<string> Words, IReadOnlyDictionary<string, string> Options, string[] ConfigurationArgs)
{
    public static CommandLine Parse(IReadOnlyList<string> args, params string[] optionNames)
    {
        var words = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var configuration = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionNames.Contains(arg) && i + 1 < args.Count) options[arg[2..]] = args[++i];
            else if (arg.StartsWith("--", StringComparison.Ordinal)) configuration.Add(arg);
            else words.Add(arg);
        }
        return new CommandLine(words, options, configuration.ToArray());
    }

    public string? Option(string name) => Options.TryGetValue(name, out var value) ? value : null;

    /// <summary><c>30d</c>, <c>12h</c>, <c>15m</c>, <c>90s</c>, or a TimeSpan (<c>1.00:00:00</c>).</summary>
    public static TimeSpan? Duration(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (text.Length > 1 && double.TryParse(text[..^1], System.Globalization.CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            switch (text[^1])
            {
                case 'd': return TimeSpan.FromDays(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'm': return TimeSpan.FromMinutes(amount);
                case 's': return TimeSpan.FromSeconds(amount);
            }
        }
        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span : null;
    }
}
