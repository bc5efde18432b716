using System.IO.Compression;
using System.Net;
using System.Text.Json;
using XQueue.Functions.Hosting;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The deployable zip made by scripts/package.sh (scripts/test.sh makes it before the tests): its layout
/// against the route table, then the unzipped handler started as the Functions host starts it.
/// </summary>
public sealed class PackageLayoutTests
{
    const string Handler = "XQueue.Functions";
    static readonly string ZipPath = Repository.PathTo("artifacts", "xqueue-functions.zip");

    static ZipArchive OpenPackage()
    {
        Assert.True(File.Exists(ZipPath), $"{ZipPath} is missing: run ./scripts/package.sh (./scripts/test.sh does).");
        return ZipFile.OpenRead(ZipPath);
    }

    [Fact]
    public void Zip_root_holds_host_json_exactly_the_functions_of_the_route_table_and_the_executable_handler()
    {
        using var zip = OpenPackage();
        var entries = zip.Entries.ToDictionary(e => e.FullName);

        var functionFolders = entries.Keys.Where(name => name.EndsWith("/function.json", StringComparison.Ordinal))
            .Select(name => name[..name.IndexOf('/')]).Order(StringComparer.Ordinal).ToArray();
        var expected = FunctionTable.FunctionJsonByName();
        Assert.Equal(expected.Keys.ToArray(), functionFolders);
        foreach (var (name, json) in expected) Assert.Equal(json, Read(entries[$"{name}/function.json"]));

        using var host = JsonDocument.Parse(Read(entries["host.json"]));
        var handlerPath = host.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString();
        Assert.Equal(Handler, handlerPath);
        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        var handler = entries[Handler];
        var mode = (UnixFileMode)((handler.ExternalAttributes >> 16) & 0x1FF);
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"the handler must be executable, mode is {mode}");
        Assert.Contains("libcoreclr.so", entries.Keys);
    }

    [Fact]
    public async Task The_unzipped_handler_answers_the_readiness_probe_and_a_forwarded_status_request()
    {
        var azurite = await Azurite.Shared;
        var folder = Directory.CreateTempSubdirectory("xqueue-package-");
        try
        {
            using (var zip = OpenPackage())
            {
                zip.ExtractToDirectory(folder.FullName);
            }
            var executable = Path.Combine(folder.FullName, Handler); // extraction keeps the mode bits stored in the zip
            using var handler = HandlerProcess.Start(executable, new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["XQueue__QueuesJson"] = "{\"MITx-6.00x\": {}}",
                ["XQueue__StoragePrefix"] = Azurite.NewPrefix(),
            });

            await handler.WaitUntilAnsweringAsync("/", TimeSpan.FromSeconds(30));
            using var http = new HttpClient { BaseAddress = handler.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/xqueue/status/");
            request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
            request.Headers.UserAgent.ParseAdd("Azure-Functions-Host/4.1040.300.0");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("{\"return_code\": 0, \"content\": \"OK\"}", await response.Content.ReadAsStringAsync());

            // One JSON object per line on stdout: what the host forwards to Application Insights.
            Assert.NotEmpty(handler.Stdout);
            Assert.All(handler.Stdout, line => Assert.True(JsonDocument.Parse(line).RootElement.TryGetProperty("Category", out _), line));
            Assert.Contains(handler.Stdout, line => line.Contains("under the Functions host"));
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
