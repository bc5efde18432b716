using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// <c>bash scripts/run-local.sh</c> from the repository root with its output captured, and every process that
/// was ever its descendant recorded (from /proc, every 100 ms) so that after it exits the test can tell which
/// are still running; a process is told apart from a later one with the same pid by its start time.
/// </summary>
public sealed class RunLocalScript : IDisposable
{
    readonly Process process;
    readonly ConcurrentQueue<string> output = new();
    readonly ConcurrentDictionary<(int Pid, string Started), string> seen = new();
    readonly CancellationTokenSource stopWatching = new();
    readonly Task watching;

    RunLocalScript(Process process, int port)
    {
        this.process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        watching = Task.Run(async () =>
        {
            while (!stopWatching.IsCancellationRequested)
            {
                RecordDescendants();
                await Task.Delay(100);
            }
        });
    }

    public Uri BaseAddress { get; }

    public string Output => string.Join('\n', output.TakeLast(80));

    public static RunLocalScript Start(int servicePort, int azuritePort, string azuriteLocation)
    {
        // A terminal's foreground job has SIGINT at its default; a test runner started in the background may hand
        // it on ignored, and bash cannot trap a signal ignored at entry. env resets it, as the terminal would have.
        var info = new ProcessStartInfo("env") { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["--default-signal=INT", "bash", "scripts/run-local.sh"]) info.ArgumentList.Add(argument);
        info.Environment["XQUEUE_PORT"] = servicePort.ToString();
        info.Environment["AZURITE_PORT"] = azuritePort.ToString();
        info.Environment["AZURITE_LOCATION"] = azuriteLocation;
        return new RunLocalScript(Process.Start(info)!, servicePort);
    }

    public async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited) throw new InvalidOperationException($"run-local.sh exited with {process.ExitCode} before the service answered.");
            try
            {
                using var response = await http.GetAsync("/xqueue/status/");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Still building, or not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The service did not answer /xqueue/status/ within {timeout}.");
    }

    /// <summary>Sends <paramref name="signal"/> to the script alone, as kill does; returns its exit code.</summary>
    public async Task<int> StopAsync(int signal)
    {
        RecordDescendants();
        if (Kill(process.Id, signal) != 0) throw new InvalidOperationException($"kill({process.Id}, {signal}) failed.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit(); // lets the output readers drain
        return process.ExitCode;
    }

    /// <summary>The recorded processes still running, with their command lines.</summary>
    public IReadOnlyList<string> Leftovers() =>
        [.. seen.Where(process => IsRunning(process.Key)).Select(process => $"{process.Key.Pid}: {process.Value}")];

    void RecordDescendants()
    {
        var children = new Dictionary<int, List<(int Pid, string Started)>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } stat)
            {
                (children.TryGetValue(stat.Parent, out var list) ? list : children[stat.Parent] = []).Add((pid, stat.Started));
            }
        }
        var pending = new Queue<int>([process.Id]);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var child in children.GetValueOrDefault(parent) ?? [])
            {
                seen.TryAdd(child, CommandLine(child.Pid));
                pending.Enqueue(child.Pid);
            }
        }
    }

    static bool IsRunning((int Pid, string Started) process) =>
        Stat(process.Pid) is { } stat && stat.Started == process.Started && stat.State is not ('Z' or 'X');

    /// <summary>State, parent and start time from /proc/pid/stat (fields 3, 4 and 22), or null once the process is gone. The command name may hold spaces and parentheses, so fields are counted after the last ')'.</summary>
    static (char State, int Parent, string Started)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1]), fields[19]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "?"; }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    /// <summary>Whatever the test's outcome, nothing it started stays: the script's tree, and any descendant that outlived it.</summary>
    public void Dispose()
    {
        stopWatching.Cancel();
        watching.Wait();
        if (!process.HasExited) RecordDescendants();
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        foreach (var (pid, _) in seen.Keys.Where(IsRunning)) Kill(pid, 9);
        process.WaitForExit(5000);
        process.Dispose();
    }
}
