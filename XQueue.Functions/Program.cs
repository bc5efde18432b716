using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Options;
using XQueue.Functions.Auth;
using XQueue.Functions.Configuration;
using XQueue.Functions.Dashboard;
using XQueue.Functions.Delivery;
using XQueue.Functions.Handouts;
using XQueue.Functions.Hosting;
using XQueue.Functions.Intake;
using XQueue.Functions.Legacy;
using XQueue.Functions.Metrics;
using XQueue.Functions.Push;
using XQueue.Functions.Replies;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.Sweep;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions;

public static class Program
{
    /// <summary>Where the service listens standalone unless --urls says otherwise: the port the LMS and xqueue-watcher default to.</summary>
    public const string DefaultUrl = "http://127.0.0.1:18040";

    public static Task<int> Main(string[] args) => RunAsync(args, Console.In, Console.Out, Console.Error);

    /// <summary>The service (as a Functions worker, or standalone), or an operator command when the first argument names one.</summary>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        try
        {
            return args.FirstOrDefault() switch
            {
                "user" => await UserCommand.RunAsync(args[1..], input, output, error),
                "token" => TokenCommand.Run(args[1..], output, error),
                _ when WorkerMode.IsStartedByFunctionsHost(args) => await ServeAsync(BuildWorker(args), "as a Functions worker (dotnet-isolated)"),
                _ => await ServeAsync(Build(args), "standalone"),
            };
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            // A bad configuration value stops the process with a message naming the key, not a stack trace; several, one a line.
            var problems = e is OptionsValidationException invalid ? invalid.Failures : [e.Message];
            error.WriteLine("XQueue cannot start: " + string.Join(Environment.NewLine + "  ", problems));
            return 2;
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException)
        {
            error.WriteLine($"XQueue cannot start: storage did not answer ({e.Message}). Is Azurite running, or AzureWebJobsStorage right?");
            return 3;
        }
    }

    static async Task<int> ServeAsync(IHost app, string mode)
    {
        _ = app.Services.GetRequiredService<IOptions<XQueueOptions>>().Value; // validates every option now
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Program)).LogInformation("XQueue runs {Mode}", mode);
        await app.PrepareAsync();
        await app.RunAsync();
        return 0;
    }

    /// <summary>Standalone: Kestrel on --urls serves the same functions through the same gate. Tests build it the same way.</summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? testOverrides = null)
    {
        var builder = AppBuilder.Create(args);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])) builder.WebHost.UseUrls(DefaultUrl);
        builder.Logging.AddJsonConsole(json => json.IncludeScopes = false);
        AddXQueue(builder.Services, builder.Configuration);
        // What the Functions host's timers and queue trigger do, as loops of this process.
        builder.Services.AddHostedService<StandaloneSweep>();
        builder.Services.AddHostedService<StandaloneHistory>();
        builder.Services.AddHostedService<OutboxConsumer>();
        testOverrides?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseExceptionHandler(_ => { });
        app.MapFunctions(FunctionCatalog.App);
        return app;
    }

    /// <summary>Under the Functions host: the isolated worker with ASP.NET Core integration; the gate as worker middleware.</summary>
    public static IHost BuildWorker(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        // The host builds the DeliverResult trigger's queue name from this setting, and cannot when it is missing.
        if (builder.Configuration[$"{XQueueOptions.Section}:StoragePrefix"] is null)
        {
            throw new InvalidOperationException(
                "Under the Functions host XQueue:StoragePrefix must be set (empty is fine): the DeliverResult trigger's queue name is built from it.");
        }
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<GateMiddleware>();
        AddXQueue(builder.Services, builder.Configuration);
        return builder.Build();
    }

    /// <summary>Everything both modes share: configuration, storage, the rooms, the gate.</summary>
    static void AddXQueue(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = LegacyLimits.RequestBytes);
        services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = LegacyLimits.RequestBytes;
            form.ValueLengthLimit = LegacyLimits.BodyChars * 4;
        });

        services.AddSingleton(TimeProvider.System);
        services.AddXQueueOptions(configuration);
        services.AddStorageAccount(configuration);
        services.AddSubmissions();
        services.AddWorkQueues();
        services.AddDelivery();
        services.AddIntake();
        services.AddHandouts();
        services.AddReplies();
        services.AddSweep();
        services.AddPush();
        services.AddXQueueAuth();
        services.AddDashboard();
        services.AddXQueueMetrics(configuration);
        services.AddExceptionHandler<LegacyFailures>();
        services.AddHealthChecks(); // liveness only: readiness must not cost a storage round trip
        services.AddSingleton<FunctionGate>();
    }
}
