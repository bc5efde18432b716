using System.Text.Json;
using System.Text.RegularExpressions;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// infra/ through the pinned Bicep compiler: main.bicep builds and lints, main.bicepparam builds against it, and
/// neither gives a single diagnostic (the deployment guide tells the operator to fix anything the compiler reports,
/// so there must be nothing to report). infra/bicepconfig.json may switch a rule off only with a reason beside it.
/// </summary>
public sealed class InfraCompilerTests
{
    [Fact]
    public async Task Main_bicep_builds_with_no_diagnostic()
    {
        var build = (await CompiledInfra.Example).Build;
        Assert.True(build.ExitCode == 0 && build.Diagnostics.Count == 0, build.ToString());
    }

    [Fact]
    public async Task The_parameter_file_builds_against_main_bicep_with_no_diagnostic()
    {
        var infra = await CompiledInfra.Example;
        Assert.True(infra.BuildParameters.ExitCode == 0 && infra.BuildParameters.Diagnostics.Count == 0, infra.BuildParameters.ToString());
        Assert.True(infra.Snapshot.ExitCode == 0 && infra.Snapshot.Diagnostics.Count == 0, infra.Snapshot.ToString());
    }

    [Theory]
    [InlineData("main.bicep")]
    [InlineData("main.bicepparam")]
    public async Task Lint_gives_no_diagnostic(string file)
    {
        var lint = await Bicep.RunAsync(Repository.PathTo("infra"), "lint", file);
        Assert.True(lint.ExitCode == 0 && lint.Diagnostics.Count == 0, lint.ToString());
    }

    [Fact]
    public void A_rule_is_switched_off_only_with_the_reason_written_above_it()
    {
        var path = Repository.PathTo("infra", "bicepconfig.json");
        var lines = File.ReadAllLines(path);
        using var config = JsonDocument.Parse(File.ReadAllText(path),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var rules = config.RootElement.GetProperty("analyzers").GetProperty("core").GetProperty("rules").EnumerateObject();
        foreach (var rule in rules.Where(r => r.Value.GetProperty("level").GetString() is "off" or "none"))
        {
            var at = Array.FindIndex(lines, line => line.TrimStart().StartsWith($"\"{rule.Name}\"", StringComparison.Ordinal));
            Assert.True(at > 0 && lines[at - 1].TrimStart().StartsWith("//", StringComparison.Ordinal),
                $"bicepconfig.json switches {rule.Name} off without a // comment above it saying why.");
        }
    }

    [Fact]
    public void The_deployment_guide_deploys_the_parameter_file_the_tests_compile()
    {
        var guide = File.ReadAllText(Repository.PathTo("docs", "deploy.md"));
        Assert.Matches(new Regex(@"az deployment group create[^`]*--parameters infra/main\.bicepparam"), guide);
        Assert.Contains("bicep build-params --file infra/main.bicepparam", guide);
        // The JSON parameter file is gone; nothing may still point at it.
        var documents = new[] { "README.md", "docs", "scripts", "infra", ".ci" }
            .SelectMany(p => File.Exists(Repository.PathTo(p)) ? [Repository.PathTo(p)] : Directory.GetFiles(Repository.PathTo(p), "*", SearchOption.AllDirectories));
        Assert.DoesNotContain(documents, file => File.ReadAllText(file).Contains("main.parameters.json", StringComparison.Ordinal));
    }
}
