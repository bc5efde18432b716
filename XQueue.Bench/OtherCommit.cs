using System.Diagnostics;
using System.Text.Json.Nodes;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Bench;

/// <summary>
/// The bench of another commit (<c>--compare &lt;ref&gt;</c>), run before this checkout's phases: a clean checkout of
/// the commit (a detached git worktree in a temporary folder, removed afterwards, also when something fails), its
/// XQueue.Bench built in Release and run as a child process with this run's arguments minus <c>--compare</c>, so the
/// same phases at the same sizes. A process of its own, so that its service, packages and bench code are all the
/// other commit's. Its summary is the JSON object it prints before its headline.
/// </summary>
public sealed record OtherCommit(string Reference, string Commit)
{
    public static async Task<OtherCommit> ResolveAsync(string reference) => new(reference, await Git.CommitAsync(reference));

    public string Name => $"{Reference} ({Commit[..7]})";

    public async Task<JsonObject> RunBenchAsync(IReadOnlyList<string> args)
    {
        var folder = Directory.CreateTempSubdirectory("xqueue-bench-compare-");
        var checkout = Path.Combine(folder.FullName, "repo");
        // The first Ctrl+C ends the build or the other bench, and this process stays to remove the checkout; a
        // second one is not held back.
        using var interrupted = new CancellationTokenSource();
        var interrupts = 0;
        ConsoleCancelEventHandler stay = (_, e) =>
        {
            if (Interlocked.Increment(ref interrupts) > 1) return;
            e.Cancel = true;
            interrupted.Cancel();
        };
        Console.CancelKeyPress += stay;
        try
        {
            Step($"checking out {Name} into {checkout}");
            Check(await Git.RunAsync("worktree", "add", "--detach", checkout, Commit), "git worktree add", interrupted.Token);
            await LinkAzuriteAsync(checkout);
            Step("building its XQueue.Bench (Release)");
            Check(await Command.RunAsync("dotnet", checkout, ["build", "XQueue.Bench", "-c", "Release", "--nologo", "-v", "quiet"], interrupted.Token),
                "dotnet build", interrupted.Token);
            Step($"machine settled after its build ({(await Machine.SettleAsync()).TotalSeconds:F0} s)");
            Step("running its bench" + (args.Count > 0 ? " with " + string.Join(' ', args) : ""));
            return SummaryOf(await RunAsync(checkout, args, interrupted.Token));
        }
        finally
        {
            Console.CancelKeyPress -= stay;
            await RemoveAsync(folder, checkout);
        }
    }

    /// <summary>
    /// This checkout's Azurite, linked in: the bench looks for node_modules/.bin/azurite above its output folder, and
    /// <c>npm ci</c> in every temporary checkout would cost minutes and the network. Both commits then run on the same Azurite.
    /// </summary>
    async Task LinkAzuriteAsync(string checkout)
    {
        var modules = Path.GetDirectoryName(Path.GetDirectoryName(Azurite.FindExecutable()))!;
        Directory.CreateSymbolicLink(Path.Combine(checkout, "node_modules"), modules);
        var (differs, _) = await Git.RunAsync("diff", "--quiet", Commit, "--", "package-lock.json");
        if (differs != 0) Step($"package-lock.json differs from {Name}'s; both run on this checkout's Azurite");
    }

    async Task<string> RunAsync(string checkout, IReadOnlyList<string> args, CancellationToken interrupted)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = checkout,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["run", "--project", "XQueue.Bench", "-c", "Release", "--no-build", "--", .. args]) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        using var end = Command.EndOn(interrupted, process);
        // Its progress goes on as it comes, marked as the other commit's; its stdout is the summary.
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[{Reference}] {e.Data}"); };
        process.BeginErrorReadLine();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        ThrowIf(interrupted);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"The bench of {Name} exited with {process.ExitCode} (its messages are above, marked [{Reference}]).\n{output}");
        return output;
    }

    /// <summary>The summary is printed indented: from a line "{" to the first line "}" after it, then the headline.</summary>
    public static JsonObject SummaryOf(string output)
    {
        var lines = output.Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
        var start = Array.IndexOf(lines, "{");
        var end = start < 0 ? -1 : Array.IndexOf(lines, "}", start);
        if (end < 0) throw new InvalidOperationException($"The other bench printed no JSON summary:\n{output}");
        return JsonNode.Parse(string.Join('\n', lines[start..(end + 1)]))!.AsObject();
    }

    static async Task RemoveAsync(DirectoryInfo folder, string checkout)
    {
        // The link first, so that removing the checkout cannot reach into this checkout's node_modules through it.
        var link = new FileInfo(Path.Combine(checkout, "node_modules"));
        if (link.LinkTarget is not null) link.Delete();
        if (Directory.Exists(checkout))
        {
            var (exitCode, output) = await Git.RunAsync("worktree", "remove", "--force", checkout);
            if (exitCode != 0) Step($"git worktree remove failed ({output}); if git still lists {checkout}, `git worktree prune` forgets it");
        }
        try
        {
            folder.Delete(recursive: true);
            Step("checkout removed");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Step($"could not delete {folder.FullName}: {e.Message}");
        }
    }

    static void Check((int ExitCode, string Output) result, string what, CancellationToken interrupted)
    {
        ThrowIf(interrupted);
        if (result.ExitCode != 0) throw new InvalidOperationException($"{what} failed:\n{result.Output}");
    }

    static void ThrowIf(CancellationToken interrupted)
    {
        if (interrupted.IsCancellationRequested) throw new OperationCanceledException("interrupted (Ctrl+C)", interrupted);
    }

    static void Step(string message) => Console.Error.WriteLine($"[bench] compare: {message}");
}
