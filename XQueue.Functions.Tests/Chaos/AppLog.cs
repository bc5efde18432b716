using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace XQueue.Functions.Tests.Chaos;

public sealed record AppLogEntry(LogLevel Level, string Category, string Message);

/// <summary>
/// The app's warnings and errors during a chaos run, instead of its console output (a storage outage logs
/// one stack trace per failed request): kept for the summary and for the "no 500" check. For the app as a
/// process, its JSON console lines are read the same way.
/// </summary>
public sealed class AppLog : ILoggerProvider
{
    public ConcurrentQueue<AppLogEntry> Entries { get; } = new();

    /// <summary>Replaces the app's console logging with this collector.</summary>
    public void ReplaceConsole(IServiceCollection services)
    {
        services.RemoveAll<ILoggerProvider>();
        services.AddSingleton<ILoggerProvider>(this);
    }

    /// <summary>Reads the JSON console lines of an app process (one object per line, as the host forwards them).</summary>
    public void AddJsonLines(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (Enum.TryParse<LogLevel>(root.GetProperty("LogLevel").GetString(), out var level) && level >= LogLevel.Warning)
                {
                    Entries.Enqueue(new AppLogEntry(level, root.GetProperty("Category").GetString() ?? "", root.GetProperty("Message").GetString() ?? ""));
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                Entries.Enqueue(new AppLogEntry(LogLevel.Warning, "stdout", line));
            }
        }
    }

    public int Count(LogLevel level) => Entries.Count(e => e.Level == level);

    /// <summary>Requests answered 500 ("anything else is a bug", LegacyFailures).</summary>
    public IReadOnlyList<AppLogEntry> InternalErrors => Entries.Where(e => e.Level >= LogLevel.Error && e.Category.EndsWith("LegacyFailures", StringComparison.Ordinal)).ToList();

    /// <summary>"3 warnings, 0 errors" and the distinct error messages, for the summary line.</summary>
    public string Describe()
    {
        var errors = Entries.Where(e => e.Level >= LogLevel.Error).GroupBy(e => $"{e.Category}: {e.Message}").Select(g => $"{g.Count()}× {g.Key}").Take(5).ToList();
        return $"app log {Count(LogLevel.Warning)} warnings, {Entries.Count(e => e.Level >= LogLevel.Error)} errors" +
               (errors.Count == 0 ? "" : $" ({string.Join("; ", errors)})");
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    sealed class Logger(AppLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log.Entries.Enqueue(new AppLogEntry(logLevel, category, formatter(state, exception)));
        }
    }
}
