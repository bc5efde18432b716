using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using XQueue.Functions.Auth;
using XQueue.Functions.Configuration;
using XQueue.Functions.Dashboard;
using XQueue.Functions.Delivery;
using XQueue.Functions.Hosting;
using XQueue.Functions.Legacy;
using XQueue.Functions.Metrics;
using XQueue.Functions.Push;
using XQueue.Functions.Storage;
using XQueue.Functions.Submissions;
using XQueue.Functions.Sweep;

namespace XQueue.Functions;

public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.In, Console.Out, Console.Error);

    /// <summary>The service, or an operator command when the first argument names one; tests pass their own streams.</summary>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        try
        {
            return args.FirstOrDefault() switch
            {
                "user" => await UserCommand.RunAsync(args[1..], input, output, error),
                "token" => TokenCommand.Run(args[1..], output, error),
                _ => await ServeAsync(args),
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

    static async Task<int> ServeAsync(string[] args)
    {
        var app = Build(args);
        _ = app.Services.GetRequiredService<IOptions<XQueueOptions>>().Value; // validates every option now
        await app.PrepareAsync();
        await app.RunAsync();
        return 0;
    }

    /// <summary>The whole app: configuration, services, routes. Tests build it the same way.</summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? testOverrides = null)
    {
        var builder = AppBuilder.Create(args);
        builder.ListenWhereTheHostSays();
        builder.Logging.AddJsonConsole(json => json.IncludeScopes = false);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = LegacyLimits.RequestBytes);
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = LegacyLimits.RequestBytes;
            form.ValueLengthLimit = LegacyLimits.BodyChars * 4;
        });

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddXQueueOptions(builder.Configuration);
        builder.Services.AddStorageAccount(builder.Configuration);
        builder.Services.AddSubmissions();
        builder.Services.AddDelivery();
        builder.Services.AddSweep(builder.Configuration);
        builder.Services.AddPush();
        builder.Services.AddXQueueAuth();
        builder.Services.AddDashboard();
        builder.Services.AddXQueueMetrics(builder.Configuration);
        builder.Services.AddExceptionHandler<LegacyFailures>();
        builder.Services.AddHealthChecks(); // liveness only: readiness must not cost a storage round trip
        testOverrides?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseExceptionHandler(_ => { });
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapHealthChecks("/"); // the Functions host polls / until the handler answers
        app.MapHealthChecks("/healthz");
        app.MapLegacyEndpoints();
        app.MapDashboard();
        app.MapMetrics();
        app.MapFunctionsTimer();
        return app;
    }
}
