using System.Text.Json;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The published app finds its own appsettings.json wherever it is started from: its log levels (requests
/// logged at Warning and above only) apply when the working directory is somewhere else. An operator who names
/// a content root gets that one instead, which here holds no settings, so requests are logged at Information.
/// </summary>
public sealed class ContentRootTests
{
    static readonly string Executable = Repository.PathTo("artifacts", "app", "XQueue.Functions");
    const string RequestLog = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task Started_from_another_directory_the_app_applies_its_own_log_levels()
    {
        var log = await CategoriesLoggedAsync(contentRoot: null);
        Assert.Contains("Microsoft.Hosting.Lifetime", log); // it logs, at Information where appsettings.json says so
        Assert.DoesNotContain(RequestLog, log);
    }

    [Fact]
    public async Task A_content_root_named_by_the_operator_is_used_instead()
    {
        var empty = Directory.CreateTempSubdirectory("xqueue-content-root-");
        try
        {
            Assert.Contains(RequestLog, await CategoriesLoggedAsync(contentRoot: empty.FullName));
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    /// <summary>The categories of what the app logged while answering requests, started in a fresh empty working directory.</summary>
    static async Task<HashSet<string>> CategoriesLoggedAsync(string? contentRoot)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: run ./scripts/package.sh (./scripts/test.sh does).");
        var azurite = await Azurite.Shared;
        var elsewhere = Directory.CreateTempSubdirectory("xqueue-started-from-");
        try
        {
            using var app = HandlerProcess.StartStandalone(Executable, new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["XQueue__QueuesJson"] = "{\"test-pull\": {}}",
                ["XQueue__StoragePrefix"] = Azurite.NewPrefix(),
            }, HandlerProcess.FreeLoopbackPort(), elsewhere.FullName, contentRoot is null ? [] : ["--contentRoot", contentRoot]);
            await app.WaitUntilAnsweringAsync("/xqueue/status/", TimeSpan.FromSeconds(30));
            app.Stop();
            return app.Stdout.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("Category").GetString()!).ToHashSet();
        }
        finally
        {
            elsewhere.Delete(recursive: true);
        }
    }
}
