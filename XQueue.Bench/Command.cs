using System.Diagnostics;

namespace XQueue.Bench;

/// <summary>A tool run to completion (git, dotnet build) with its output captured, for an error message if it fails.</summary>
public static class Command
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string file, string workingDirectory, IEnumerable<string> args, CancellationToken interrupted = default)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        using var end = EndOn(interrupted, process);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync(); // read both, or a full pipe stalls the tool
        await process.WaitForExitAsync();
        return (process.ExitCode, ((await output) + (await errors)).Trim());
    }

    /// <summary>
    /// Ends the process and everything it started once <paramref name="interrupted"/> fires. Ctrl+C alone does not
    /// end a bench: its service host takes it as "stop the host", and the bench goes on to its next phase.
    /// </summary>
    public static CancellationTokenRegistration EndOn(CancellationToken interrupted, Process process) =>
        interrupted.Register(() =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        });
}
