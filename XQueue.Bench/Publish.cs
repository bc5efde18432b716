using System.Diagnostics;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Bench;

/// <summary>
/// Publishes the app for linux-x64 into artifacts/bench/&lt;variant&gt;: plain and r2r are framework-dependent (r2r,
/// ReadyToRun, is what the package ships: Flex Consumption's dotnet-isolated runtime brings .NET); composite is
/// self-contained with app and framework compiled into one image, for comparison.
/// </summary>
public static class Publish
{
    public static readonly string[] Variants = ["plain", "r2r", "composite"];

    public static string Describe(string variant) => variant switch
    {
        "plain" => "framework-dependent, plain",
        "r2r" => "framework-dependent, ReadyToRun (the package)",
        _ => "self-contained, composite ReadyToRun",
    };

    public static async Task<string> HandlerAsync(string name)
    {
        var readyToRun = name != "plain";
        var composite = name == "composite";
        var root = Repository.Root;
        var output = Path.Combine(root, "artifacts", "bench", name);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "publish", "XQueue.Functions", "-c", "Release", "-r", "linux-x64", "--self-contained", composite ? "true" : "false",
            $"-p:PublishReadyToRun={readyToRun}", $"-p:PublishReadyToRunComposite={composite}", "-p:InvariantGlobalization=true",
            // Each variant builds in its own folders: ReadyToRun outputs left by another variant break the handler.
            $"-p:IntermediateOutputPath=obj/publish-{name}/", $"-p:OutputPath=bin/publish-{name}/", "-o", output, "--nologo", "-v", "quiet",
        })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync(); // read both, or a full pipe stalls the build
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish ({name}) failed:\n{await log}{await errors}");
        return Path.Combine(output, "XQueue.Functions");
    }
}
