using XQueue.Functions.Hosting;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The committed function folders must be exactly what the route table generates. To regenerate after
/// changing a route: UPDATE_FUNCTION_JSON=1 dotnet test --filter FunctionFolders.
/// </summary>
public sealed class FunctionFoldersTests
{
    [Fact]
    public void Committed_function_json_files_match_the_route_table()
    {
        var folder = Repository.PathTo("XQueue.Functions", "functions");
        var expected = FunctionTable.FunctionJsonByName();
        if (Environment.GetEnvironmentVariable("UPDATE_FUNCTION_JSON") == "1")
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            foreach (var (name, json) in expected)
            {
                Directory.CreateDirectory(Path.Combine(folder, name));
                File.WriteAllText(Path.Combine(folder, name, "function.json"), json);
            }
        }

        var committed = Directory.GetDirectories(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected.Keys.ToArray(), committed);
        foreach (var (name, json) in expected) Assert.Equal(json, File.ReadAllText(Path.Combine(folder, name, "function.json")));
    }

    [Fact]
    public void The_build_output_has_host_json_and_every_function_folder_beside_the_handler()
    {
        var output = Path.GetDirectoryName(typeof(FunctionTable).Assembly.Location)!;
        Assert.True(File.Exists(Path.Combine(output, "host.json")));
        Assert.Contains("\"defaultExecutablePath\": \"XQueue.Functions\"", File.ReadAllText(Path.Combine(output, "host.json")));
        foreach (var name in FunctionTable.FunctionJsonByName().Keys) Assert.True(File.Exists(Path.Combine(output, name, "function.json")), name);
    }
}
