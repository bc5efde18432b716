using System.Diagnostics;
using System.Reflection;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>What one run of the Bicep compiler did.</summary>
public sealed record BicepRun(string Command, int ExitCode, string Output, string Errors)
{
    /// <summary>
    /// Every diagnostic (error, warning, info) the compiler printed: it writes them, one a line, to standard error,
    /// and nothing else there when all is well.
    /// </summary>
    public IReadOnlyList<string> Diagnostics { get; } =
        Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"bicep {Command}: exit code {ExitCode}\n{Errors}";
}

/// <summary>
/// The Bicep compiler of the pinned NuGet package Azure.Bicep.CommandLine.linux-x64 (a PackageDownload of this
/// test project; the build writes its path into the BicepPath assembly metadata).
/// </summary>
public static class Bicep
{
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public static string Executable { get; } = Find();

    public static async Task<BicepRun> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Patience}.");
        }
        return new BicepRun(string.Join(' ', arguments), process.ExitCode, await output, await errors);
    }

    static string Find()
    {
        var path = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepPath")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The Bicep compiler is not at '{path}': restore XQueue.Functions.Tests (its PackageDownload of Azure.Bicep.CommandLine.linux-x64) and build again.");
        }
        return path;
    }
}
