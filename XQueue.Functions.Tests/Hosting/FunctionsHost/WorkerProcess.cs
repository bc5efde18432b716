using System.Collections.Concurrent;
using System.Diagnostics;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// The running worker process. The host reads the worker's stdout and stderr (it logs them as
/// "LanguageWorkerConsoleLog" lines); here both are kept, in arrival order, for failure messages.
/// </summary>
sealed class WorkerProcess : IDisposable
{
    readonly Process process;
    readonly ConcurrentQueue<string> output = new();
    readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    WorkerProcess(Process process) => this.process = process;

    public static WorkerProcess Start(ProcessStartInfo info)
    {
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) worker.output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) worker.output.Enqueue("[stderr] " + e.Data); };
        process.Exited += (_, _) => worker.exited.TrySetResult();
        if (!process.Start()) throw new InvalidOperationException($"{info.FileName} did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    public int Id => process.Id;

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited => exited.Task;

    public string ExitDescription => process.HasExited ? $"exited with code {process.ExitCode}" : "still running";

    /// <summary>Everything the worker wrote so far; stderr lines start with "[stderr] ".</summary>
    public IReadOnlyCollection<string> Output => output;

    /// <summary>
    /// Waits up to <paramref name="grace"/> for the worker to leave on its own (after WorkerTerminate), then
    /// kills it and its children, as the host does when the grace period is over.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        try
        {
            await exited.Task.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited between the wait and the kill.
            }
        }
        // Lets the output readers drain.
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
        process.Dispose();
    }
}
