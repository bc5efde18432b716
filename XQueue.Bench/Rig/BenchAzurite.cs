using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Bench.Rig;

/// <summary>
/// An Azurite of its own for each rig (in memory, free loopback ports), killed with the rig; the same
/// executable and arguments as the tests' shared one. Why not share one: once a minute Azurite's queue garbage
/// collector deletes the message bodies of the messages deleted since its last run, and it does so in a loop
/// that costs O(all messages) per deleted message without yielding, so the emulator stops answering for a time
/// that grows with everything the earlier phases did (over a minute, measured, after a few phases — once it
/// stopped for good). A fresh emulator per rig keeps each phase's numbers its own.
/// </summary>
public sealed partial class BenchAzurite : IAsyncDisposable
{
    /// <summary>The ports of every running bench Azurite, so HTTP metrics can tell storage from the rest.</summary>
    public static readonly ConcurrentDictionary<int, bool> StoragePorts = new();

    readonly Process process;
    readonly int[] ports;

    BenchAzurite(Process process, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        ports = [blobPort, queuePort, tablePort];
        foreach (var port in ports) StoragePorts[port] = true;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={Azurite.AccountName};AccountKey={Azurite.AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/{Azurite.AccountName};" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/{Azurite.AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/{Azurite.AccountName};";
    }

    public string ConnectionString { get; }

    public static async Task<BenchAzurite> StartAsync()
    {
        var workspace = Directory.CreateTempSubdirectory("azurite-bench-");
        var info = new ProcessStartInfo(Azurite.FindExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workspace.FullName,
        };
        foreach (var arg in new[]
        {
            "--silent", "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", "0", "--queuePort", "0", "--tablePort", "0",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill(process); // also when the bench is interrupted
        var ports = new Dictionary<string, int>();
        var ready = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null || ListeningLine().Match(e.Data) is not { Success: true } match) return;
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
            Kill(process);
            throw new InvalidOperationException("Azurite did not report its three listening ports within 60 s.");
        }
        return new BenchAzurite(process, ports["Blob"], ports["Queue"], ports["Table"]);
    }

    public ValueTask DisposeAsync()
    {
        Kill(process);
        process.Dispose();
        foreach (var port in ports) StoragePorts.TryRemove(port, out _);
        return ValueTask.CompletedTask;
    }

    static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
