using System.Reflection;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Azure.Functions.Worker;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Hosting;

/// <summary>What a function's trigger is: HTTP (route and methods), a timer (schedule) or a queue.</summary>
public enum TriggerKind
{
    Http,
    Timer,
    Queue,
}

/// <summary>
/// One [Function] method as its attributes declare it: the trigger, and for HTTP functions what must hold
/// before it runs ([Authorize] policy, [EnableRateLimiting] group, [RequireAntiforgeryToken]) and how long each of its
/// storage calls may be retried ([StoragePatience]).
/// </summary>
public sealed record FunctionEntry(
    string Name,
    MethodInfo Method,
    TriggerKind Trigger,
    string? Route = null,
    IReadOnlyList<string>? Methods = null,
    string? Schedule = null,
    string? QueueName = null,
    string? Policy = null,
    string? Throttle = null,
    bool Antiforgery = false,
    TimeSpan? Patience = null);

/// <summary>
/// Every function of the app, read once from the attributes the Functions worker SDK also reads when it writes
/// functions.metadata: the standalone dispatcher maps the same routes and runs the same checks, so the two
/// modes cannot drift apart.
/// </summary>
public sealed class FunctionCatalog
{
    public static FunctionCatalog App { get; } = new(typeof(FunctionCatalog).Assembly);

    readonly Dictionary<string, FunctionEntry> byName;

    public FunctionCatalog(Assembly assembly)
    {
        All = assembly.GetTypes()
            .Where(type => type.IsPublic && !type.IsAbstract)
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(Read)
            .OfType<FunctionEntry>()
            .OrderBy(entry => entry.Name, StringComparer.Ordinal)
            .ToList();
        byName = All.ToDictionary(entry => entry.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<FunctionEntry> All { get; }

    public IEnumerable<FunctionEntry> Http => All.Where(entry => entry.Trigger == TriggerKind.Http);

    public FunctionEntry this[string name] => byName[name];

    static FunctionEntry? Read(MethodInfo method)
    {
        if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) return null;
        var parameters = method.GetParameters();
        if (parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().FirstOrDefault() is { } http)
        {
            return new FunctionEntry(function.Name, method, TriggerKind.Http,
                Route: http.Route ?? function.Name,
                Methods: http.Methods?.Select(m => m.ToUpperInvariant()).ToArray() ?? [],
                Policy: method.GetCustomAttribute<AuthorizeAttribute>()?.Policy,
                Throttle: method.GetCustomAttribute<EnableRateLimitingAttribute>()?.PolicyName,
                Antiforgery: method.GetCustomAttribute<RequireAntiforgeryTokenAttribute>()?.RequiresValidation == true,
                Patience: method.GetCustomAttribute<StoragePatienceAttribute>()?.Patience);
        }
        if (parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).OfType<TimerTriggerAttribute>().FirstOrDefault() is { } timer)
        {
            return new FunctionEntry(function.Name, method, TriggerKind.Timer, Schedule: timer.Schedule);
        }
        if (parameters.Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()).OfType<QueueTriggerAttribute>().FirstOrDefault() is { } queue)
        {
            return new FunctionEntry(function.Name, method, TriggerKind.Queue, QueueName: queue.QueueName);
        }
        throw new InvalidOperationException($"Function {function.Name} has no trigger this app knows.");
    }
}
