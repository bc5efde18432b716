using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// An Azurite of one test's own, with its data on disk (<c>--location</c>) and fixed loopback ports,
/// so it can be stopped and started again and come back with its data at the same address — a storage
/// service restarting under a running app. Unlike the shared <see cref="Azurite"/> it belongs to the test
/// that starts it, which disposes it (process killed, data folder deleted).
/// </summary>
public sealed partial class PersistentAzurite : IAsyncDisposable
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    Process? process;

    PersistentAzurite(DirectoryInfo location, int blobPort, int queuePort, int tablePort)
    {
        Location = location;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public DirectoryInfo Location { get; }
    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public int Starts { get; private set; }

    /// <summary>Azurite's console lines (all its runs), for a failure message.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    public bool IsRunning => process is { HasExited: false };

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Azurite.AccountName};AccountKey={Azurite.AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{Azurite.AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{Azurite.AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{Azurite.AccountName};";

    /// <summary>A new Azurite on three free loopback ports with an empty data folder, started.</summary>
    public static async Task<PersistentAzurite> StartNewAsync()
    {
        var azurite = new PersistentAzurite(Directory.CreateTempSubdirectory("azurite-persistent-"),
            HandlerProcess.FreeLoopbackPort(), HandlerProcess.FreeLoopbackPort(), HandlerProcess.FreeLoopbackPort());
        try
        {
            await azurite.StartAsync();
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
        return azurite;
    }

    /// <summary>Starts Azurite on the same ports and data folder; returns once all three services listen.</summary>
    public async Task StartAsync()
    {
        if (IsRunning) throw new InvalidOperationException("Azurite is already running.");
        var info = new ProcessStartInfo(Azurite.FindExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Location.FullName,
        };
        foreach (var arg in new[]
        {
            "--silent", "--disableTelemetry", "--location", Location.FullName,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", BlobPort.ToString(), "--queuePort", QueuePort.ToString(), "--tablePort", TablePort.ToString(),
        })
        {
            info.ArgumentList.Add(arg);
        }

        var listening = new HashSet<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        process = started;
        Starts++;
        started.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Output.Enqueue(e.Data);
            if (ListeningLine().Match(e.Data) is not { Success: true } match) return;
            lock (listening)
            {
                listening.Add(match.Groups[1].Value);
                if (listening.Count == 3) ready.TrySetResult();
            }
        };
        started.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();

        var finished = await Task.WhenAny(ready.Task, started.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (finished != ready.Task)
        {
            Kill();
            throw new InvalidOperationException(
                $"Azurite did not listen on {BlobPort}/{QueuePort}/{TablePort} within {StartTimeout}:\n{string.Join('\n', Output.TakeLast(10))}");
        }
    }

    /// <summary>
    /// A clean stop (SIGTERM, as a service manager stops it): Azurite closes its servers and writes its
    /// metadata to disk. Waits up to <paramref name="timeout"/>, then kills it.
    /// </summary>
    /// <returns>True when it stopped by itself.</returns>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        if (process is not { HasExited: false } running) return true;
        if (Signal(running.Id, SigTerm) != 0) throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}.");
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await running.WaitForExitAsync(wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return false;
        }
    }

    /// <summary>kill -9. Azurite saves its metadata every 5 s only, so the last seconds of writes may be lost.</summary>
    public void Kill()
    {
        if (process is not { HasExited: false } running) return;
        try
        {
            running.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        running.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process?.Dispose();
        try
        {
            Location.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the OS.
        }
        return ValueTask.CompletedTask;
    }

    const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Signal(int pid, int signal);

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
