using System.Text.Json;
using System.Text.Json.Nodes;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>An app setting of the function app as the deployment would write it.</summary>
public sealed record AppSetting(string Name, string Value)
{
    /// <summary>
    /// A value only Azure knows once the deployment runs (the compiler leaves it as an ARM expression, e.g. the
    /// identity's client id); every other value is final.
    /// </summary>
    public bool IsRuntimeValue => Value.StartsWith('[');
}

/// <summary>
/// infra/ as the Bicep compiler makes it, with infra/main.bicepparam: the ARM template of main.bicep (bicep build),
/// the compiled parameters (bicep build-params), and the resources the deployment would create in a resource
/// group, with every value the compiler can work out before deploying (bicep snapshot: names, app settings,
/// rules, modules expanded; a value only Azure knows stays an ARM expression).
/// </summary>
public sealed class CompiledInfra
{
    const string SubscriptionId = "00000000-0000-0000-0000-000000000001";
    public const string ResourceGroup = "rg-xqueue-tests";

    static readonly Lazy<Task<CompiledInfra>> example = new(() => CompileAsync(parameters => parameters));

    static readonly Lazy<Task<CompiledInfra>> varied = new(() => CompileAsync(parameters =>
        Replaced(parameters, "param alertEmail = ''", "param alertEmail = 'operator@example.com'") + "\nparam appName = 'func-xqueue-renamed'\n"));

    /// <summary>infra/ with its parameter file as it is in the repository.</summary>
    public static Task<CompiledInfra> Example => example.Value;

    /// <summary>infra/ with other choices than the example's: an alert e-mail address, and another name for the app.</summary>
    public static Task<CompiledInfra> Varied => varied.Value;

    public required BicepRun Build { get; init; }
    public required BicepRun BuildParameters { get; init; }
    public required BicepRun Snapshot { get; init; }

    /// <summary>The ARM template of main.bicep.</summary>
    public required JsonElement Template { get; init; }

    /// <summary>The parameter values of main.bicepparam, as the deployment gets them (name → value).</summary>
    public required IReadOnlyDictionary<string, JsonElement> Parameters { get; init; }

    /// <summary>The resources the deployment would create or update, nested deployments expanded.</summary>
    public required IReadOnlyList<JsonElement> Resources { get; init; }

    /// <summary>The template's text without its metadata (descriptions are prose, which may name what it must not do).</summary>
    public string TemplateCode => WithoutMetadata(JsonNode.Parse(Template.GetRawText())!).ToJsonString();

    public IEnumerable<JsonElement> ResourcesOf(string type) =>
        Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    public JsonElement App => ResourcesOf("Microsoft.Web/sites").Single();

    public IReadOnlyList<AppSetting> AppSettings =>
        App.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .Select(s => new AppSetting(s.GetProperty("name").GetString()!, s.GetProperty("value").GetString()!))
            .ToList();

    /// <summary>A template parameter's declaration (type, defaultValue, minValue, allowedValues ...).</summary>
    public JsonElement Parameter(string name) => Template.GetProperty("parameters").GetProperty(name);

    /// <summary>Compiles a copy of infra/ whose main.bicepparam is <paramref name="editParameters"/>'s version of it.</summary>
    public static async Task<CompiledInfra> CompileAsync(Func<string, string> editParameters)
    {
        var copy = Directory.CreateTempSubdirectory("xqueue-infra-");
        try
        {
            CopyTree(Repository.PathTo("infra"), copy.FullName);
            var parameterFile = Path.Combine(copy.FullName, "main.bicepparam");
            File.WriteAllText(parameterFile, editParameters(File.ReadAllText(parameterFile)));

            var build = Bicep.RunAsync(copy.FullName, "build", "main.bicep", "--stdout");
            var buildParameters = Bicep.RunAsync(copy.FullName, "build-params", "main.bicepparam", "--stdout");
            var snapshot = Bicep.RunAsync(copy.FullName, "snapshot", "main.bicepparam", "--mode", "overwrite",
                "--subscription-id", SubscriptionId, "--resource-group", ResourceGroup, "--location", "eastus");
            await Task.WhenAll(build, buildParameters, snapshot);
            foreach (var run in new[] { build.Result, buildParameters.Result, snapshot.Result })
            {
                if (run.ExitCode != 0) throw new InvalidOperationException(run.ToString());
            }

            using var template = JsonDocument.Parse(build.Result.Output);
            using var compiledParameters = JsonDocument.Parse(buildParameters.Result.Output);
            using var parameterJson = JsonDocument.Parse(compiledParameters.RootElement.GetProperty("parametersJson").GetString()!);
            using var predicted = JsonDocument.Parse(File.ReadAllText(Path.Combine(copy.FullName, "main.snapshot.json")));
            return new CompiledInfra
            {
                Build = build.Result,
                BuildParameters = buildParameters.Result,
                Snapshot = snapshot.Result,
                Template = template.RootElement.Clone(),
                Parameters = parameterJson.RootElement.GetProperty("parameters").EnumerateObject()
                    .ToDictionary(p => p.Name, p => p.Value.GetProperty("value").Clone(), StringComparer.Ordinal),
                Resources = predicted.RootElement.GetProperty("predictedResources").EnumerateArray().Select(r => r.Clone()).ToList(),
            };
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    static string Replaced(string text, string old, string replacement) =>
        text.Contains(old, StringComparison.Ordinal) ? text.Replace(old, replacement, StringComparison.Ordinal)
        : throw new InvalidOperationException($"main.bicepparam no longer has the line {old}");

    static JsonNode WithoutMetadata(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                o.Remove("metadata");
                foreach (var (_, child) in o.ToList()) if (child is not null) WithoutMetadata(child);
                break;
            case JsonArray a:
                foreach (var child in a) if (child is not null) WithoutMetadata(child);
                break;
        }
        return node;
    }

    static void CopyTree(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
