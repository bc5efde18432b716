using System.IO.Compression;
using System.Net;
using System.Text.Json;
using XQueue.Functions.Hosting;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The deployable zip made by scripts/package.sh (scripts/test.sh makes it before the tests): what the Functions
/// host needs to run the worker, and the unzipped app started standalone as an operator starts it.
/// </summary>
public sealed class PackageLayoutTests
{
    const string Executable = "XQueue.Functions";
    static readonly string ZipPath = Repository.PathTo("artifacts", "xqueue-functions.zip");

    public static ZipArchive OpenPackage()
    {
        Assert.True(File.Exists(ZipPath), $"{ZipPath} is missing: run ./scripts/package.sh (./scripts/test.sh does).");
        return ZipFile.OpenRead(ZipPath);
    }

    [Fact]
    public void Zip_root_holds_what_the_host_needs_to_run_the_worker()
    {
        using var zip = OpenPackage();
        var entries = zip.Entries.ToDictionary(e => e.FullName);

        using var host = JsonDocument.Parse(Read(entries["host.json"]));
        Assert.False(host.RootElement.TryGetProperty("customHandler", out _));
        // The host's request spans and the worker's invocation spans join in one trace (docs/metrics.md).
        Assert.Equal("OpenTelemetry", host.RootElement.GetProperty("telemetryMode").GetString());
        var extensions = host.RootElement.GetProperty("extensions");
        Assert.Equal("", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("none", extensions.GetProperty("queues").GetProperty("messageEncoding").GetString());

        using var worker = JsonDocument.Parse(Read(entries["worker.config.json"]));
        Assert.Equal("dotnet-isolated", worker.RootElement.GetProperty("description").GetProperty("language").GetString());
        using var metadata = JsonDocument.Parse(Read(entries["functions.metadata"]));
        Assert.Equal(FunctionCatalog.App.All.Count, metadata.RootElement.GetArrayLength());
        Assert.Contains(entries.Keys, name => name.StartsWith(".azurefunctions/", StringComparison.Ordinal) && name.EndsWith(".dll", StringComparison.Ordinal));
        Assert.Contains("XQueue.Functions.dll", entries.Keys);
        Assert.Contains("appsettings.json", entries.Keys);
        Assert.DoesNotContain(entries.Keys, name => name.EndsWith("function.json", StringComparison.Ordinal));

        var executable = entries[Executable];
        var mode = (UnixFileMode)((executable.ExternalAttributes >> 16) & 0x1FF);
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"the executable must keep its mode bits, mode is {mode}");
        Assert.DoesNotContain("libcoreclr.so", entries.Keys); // framework-dependent: the platform brings .NET 10
    }

    [Fact]
    public async Task The_unzipped_app_serves_standalone_and_says_so_first()
    {
        var azurite = await Azurite.Shared;
        var folder = Directory.CreateTempSubdirectory("xqueue-package-");
        try
        {
            using (var zip = OpenPackage())
            {
                zip.ExtractToDirectory(folder.FullName);
            }
            var executable = Path.Combine(folder.FullName, Executable); // extraction keeps the mode bits stored in the zip
            using var app = HandlerProcess.StartStandalone(executable, new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["XQueue__QueuesJson"] = "{\"MITx-6.00x\": {}}",
                ["XQueue__StoragePrefix"] = Azurite.NewPrefix(),
            }, HandlerProcess.FreeLoopbackPort());

            await app.WaitUntilAnsweringAsync("/healthz", TimeSpan.FromSeconds(30));
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            using var response = await http.GetAsync("/xqueue/status/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("{\"return_code\": 0, \"content\": \"OK\"}", await response.Content.ReadAsStringAsync());

            // One JSON object per line on stdout, the first saying which mode runs.
            Assert.NotEmpty(app.Stdout);
            Assert.All(app.Stdout, line => Assert.True(JsonDocument.Parse(line).RootElement.TryGetProperty("Category", out _), line));
            Assert.Contains("XQueue runs standalone", app.Stdout.First());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    static string Read(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
