using XQueue.Functions.Tests.Chaos;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.MultiInstance;

/// <summary>
/// N copies of the published app (artifacts/app, made by scripts/package.sh), each its own process run standalone
/// on its own loopback port, all on one storage account with the same settings and storage prefix: the instances
/// Flex Consumption runs side by side. One can be killed with SIGKILL and started again on its port.
/// </summary>
public sealed class PublishedInstances : IAsyncDisposable
{
    /// <summary>The published app's executable, as the deployable zip holds it.</summary>
    public static string Executable { get; } = Repository.PathTo("artifacts", "app", "XQueue.Functions");

    readonly IReadOnlyDictionary<string, string> environment;
    readonly int[] ports;
    readonly HandlerProcess?[] processes;

    PublishedInstances(IReadOnlyDictionary<string, string> environment, int[] ports)
    {
        this.environment = environment;
        this.ports = ports;
        processes = new HandlerProcess?[ports.Length];
        Addresses = ports.Select(port => new Uri($"http://127.0.0.1:{port}")).ToArray();
    }

    public IReadOnlyList<Uri> Addresses { get; }
    public int Count => ports.Length;

    /// <summary>What every instance logged at warning and above, including instances killed since.</summary>
    public AppLog Log { get; } = new();

    /// <summary>Every start and kill, with its time, for a failing test's message.</summary>
    public List<string> Events { get; } = [];

    /// <param name="environment">The app's settings as environment variables (<c>XQueue__ProcessingDelay</c> …).</param>
    public static async Task<PublishedInstances> StartAsync(int count, IReadOnlyDictionary<string, string> environment)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: run ./scripts/package.sh (./scripts/test.sh does).");
        var instances = new PublishedInstances(environment, Enumerable.Range(0, count).Select(_ => HandlerProcess.FreeLoopbackPort()).ToArray());
        try
        {
            // All at once, as a scale-out starts them: the first starts race to create the storage and the shared keys.
            await Task.WhenAll(Enumerable.Range(0, count).Select(instances.StartAsync));
        }
        catch
        {
            await instances.DisposeAsync();
            throw;
        }
        return instances;
    }

    public bool IsRunning(int index) => processes[index] is { HasExited: false };

    /// <summary>kill -9 of one instance: no shutdown code runs, its memory is gone; returns once the process is.</summary>
    public void KillHard(int index)
    {
        var process = processes[index] ?? throw new InvalidOperationException($"Instance {index} is not running.");
        process.KillHard();
        Forget(index, process, "killed with SIGKILL");
    }

    /// <summary>Starts a stopped instance again, on its own port (the front keeps its address), and waits until it answers.</summary>
    public Task RestartAsync(int index)
    {
        if (processes[index] is not null) throw new InvalidOperationException($"Instance {index} is still running.");
        return StartAsync(index);
    }

    async Task StartAsync(int index)
    {
        for (var attempt = 1; ; attempt++)
        {
            var process = HandlerProcess.StartStandalone(Executable, environment, ports[index]);
            try
            {
                var took = await process.WaitUntilAnsweringAsync("/xqueue/status/", TimeSpan.FromSeconds(60));
                processes[index] = process;
                Note($"instance {index} (pid {process.ProcessId}) answering after {took.TotalMilliseconds:F0} ms");
                return;
            }
            catch (InvalidOperationException e) when (attempt < 3)
            {
                // The port a killed instance just freed may refuse the bind for a moment: start it again.
                Note($"instance {index} start {attempt} failed: {e.Message.Split('\n')[0]}");
                process.Dispose();
                await Task.Delay(500);
            }
            catch
            {
                process.Dispose();
                throw;
            }
        }
    }

    void Forget(int index, HandlerProcess process, string how)
    {
        Log.AddJsonLines(process.Stdout.Concat(process.Stderr));
        Note($"instance {index} (pid {process.ProcessId}) {how}");
        process.Dispose();
        processes[index] = null;
    }

    void Note(string text)
    {
        lock (Events) Events.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {text}");
    }

    public ValueTask DisposeAsync()
    {
        for (var index = 0; index < processes.Length; index++)
        {
            if (processes[index] is { } process) Forget(index, process, "stopped at the end");
        }
        return ValueTask.CompletedTask;
    }
}
