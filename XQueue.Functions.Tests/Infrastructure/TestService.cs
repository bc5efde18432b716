using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using XQueue.Functions.Hosting;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// The real app on a free loopback port (Kestrel), against the shared Azurite, with its own storage
/// prefix. Settings are configuration keys as an operator writes them (XQueue:ProcessingDelay …).
/// </summary>
public sealed class TestService : IAsyncDisposable
{
    public const string LmsUser = "lms";
    public const string LmsPassword = "lms-password";
    public const string GraderUser = "grader";
    public const string GraderPassword = "grader-password";
    public const string Queue = "test-pull";

    readonly WebApplication app;

    TestService(WebApplication app, Uri baseAddress, string prefix)
    {
        this.app = app;
        BaseAddress = baseAddress;
        Prefix = prefix;
    }

    public Uri BaseAddress { get; }
    public string Prefix { get; }
    public IServiceProvider Services => app.Services;

    public static async Task<TestService> StartAsync(
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? overrides = null, string? prefix = null)
    {
        var azurite = await Azurite.Shared;
        prefix ??= Azurite.NewPrefix();
        var all = DefaultSettings();
        all["AzureWebJobsStorage"] = azurite.ConnectionString;
        all["XQueue:StoragePrefix"] = prefix;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;

        var args = new List<string> { "--urls", "http://127.0.0.1:0" };
        args.AddRange(all.Select(setting => $"--{setting.Key}={setting.Value}"));
        var app = Program.Build(args.ToArray(), overrides);
        await app.PrepareAsync();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestService(app, new Uri(address), prefix);
    }

    /// <summary>What every test app runs with, storage aside; a test's own settings override these.</summary>
    public static Dictionary<string, string?> DefaultSettings() => new()
    {
        [$"XQueue:Queues:{Queue}:PushUrl"] = "",
        [$"XQueue:Users:{LmsUser}:Password"] = LmsPassword,
        [$"XQueue:Users:{LmsUser}:Roles"] = "submit",
        [$"XQueue:Users:{GraderUser}:Password"] = GraderPassword,
        [$"XQueue:Users:{GraderUser}:Roles"] = "grade",
        ["XQueue:Sweep:Interval"] = "00:00:01",
        // The charts' history is written when a test asks (QueueChartsTests), not by the timer: its writes, once a
        // minute, would land in the tests that count a request's storage calls.
        ["XQueue:Sweep:HistoryInterval"] = "01:00:00",
        // The FakeLms listens on loopback, which callbacks may reach only when listed exactly.
        ["XQueue:CallbackHosts"] = "127.0.0.1",
        ["XQueue:Delivery:RetryBase"] = "00:00:00.200",
        ["XQueue:Delivery:RetryMax"] = "00:00:01",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public T Get<T>() where T : notnull => app.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
