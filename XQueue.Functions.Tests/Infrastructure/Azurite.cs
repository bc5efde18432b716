using System.Diagnostics;
using System.Text.RegularExpressions;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// An Azurite on free loopback ports with its data on disk. The tests share one (<see cref="Shared"/>), started the
/// first time a test asks for it and killed (its folder deleted) when the test process exits; they stay apart by
/// giving every test its own storage prefix (<see cref="Azurite.NewPrefix"/>). The bench starts one per phase
/// (<see cref="StartAsync"/>) so that one phase's leftovers do not slow the next. Data on disk, never in memory:
/// in memory, Azurite's once-a-minute queue garbage collection removes every deleted message's body with a
/// scan of all bodies, without yielding, and under a sustained load of thousands of messages a minute that
/// stalled every request for up to 16 s (on disk, bodies share a few large files and the scan is short). The
/// suite's shared instance sees such a load too: stalls of that size lapsed 10 s leases in a chaos test and
/// froze the dashboard's figures for 15 s in CI while it was in memory.
/// </summary>
public sealed partial class Azurite : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    static readonly Lazy<Task<Azurite>> shared = new(StartAsync);

    readonly Process process;
    readonly DirectoryInfo workspace;

    Azurite(Process process, DirectoryInfo workspace, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        this.workspace = workspace;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    public static Task<Azurite> Shared => shared.Value;

    /// <summary>A storage prefix no other test uses: lowercase, starts with a letter.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    public static string FindExecutable()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", "azurite");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            "Azurite is not installed: run `npm ci` at the repository root (docs/testing.md).");
    }

    /// <summary>Starts one with its data in files under a temporary folder, deleted at dispose or when the process exits.</summary>
    public static async Task<Azurite> StartAsync()
    {
        var workspace = Directory.CreateTempSubdirectory("azurite-tests-");
        var info = new ProcessStartInfo(FindExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workspace.FullName,
        };
        foreach (var arg in (string[])[
            "--location", workspace.FullName,
            "--silent", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", "0", "--queuePort", "0", "--tablePort", "0",
        ])
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Stop(process);
            DeleteFolder(workspace);
        };

        var ports = new Dictionary<string, int>();
        var ready = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            var match = ListeningLine().Match(e.Data);
            if (!match.Success) return;
            lock (ports)
            {
                ports[match.Groups[1].Value] = int.Parse(match.Groups[2].Value);
                if (ports.Count == 3) ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var finished = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (finished != ready.Task)
        {
            Stop(process);
            throw new InvalidOperationException("Azurite did not report its three listening ports within 60 s.");
        }
        return new Azurite(process, workspace, ports["Blob"], ports["Queue"], ports["Table"]);
    }

    public ValueTask DisposeAsync()
    {
        Stop(process);
        process.WaitForExit(5000);
        process.Dispose();
        DeleteFolder(workspace);
        return ValueTask.CompletedTask;
    }

    static void DeleteFolder(DirectoryInfo folder)
    {
        try
        {
            if (Directory.Exists(folder.FullName)) folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temporary folder stays behind.
        }
    }

    static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
