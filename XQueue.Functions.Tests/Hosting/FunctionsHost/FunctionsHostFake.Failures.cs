using XQueue.Functions.Tests.Hosting.FunctionsHost.Rpc;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// How the fixture reports a worker that does not answer: the reason is usually in what the worker printed
/// or logged, so every such exception carries both.
/// </summary>
public sealed partial class FunctionsHostFake
{
    /// <summary>
    /// Awaits one answer from the worker; a timeout or a closed stream becomes an exception whose message
    /// carries the worker's output and last logs, since that is where the reason usually is.
    /// </summary>
    static async Task<StreamingMessage> Answer(Task<StreamingMessage> reply, string what, TimeSpan limit, WorkerProcess process, WorkerStream stream, CancellationToken caller)
    {
        try
        {
            return await reply;
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            throw new TimeoutException($"The worker did not answer with {what} within {limit} ({process.ExitDescription})." + Diagnostics(process, stream));
        }
        catch (IOException e)
        {
            // The stream closes when the process dies; give the exit a moment to be seen.
            await Task.WhenAny(process.Exited, Task.Delay(500, CancellationToken.None));
            throw new InvalidOperationException($"No {what}: {e.Message} ({process.ExitDescription})." + Diagnostics(process, stream), e);
        }
    }

    static string Diagnostics(WorkerProcess process, WorkerStream? stream)
    {
        var text = "\n--- worker output (last 60 lines) ---\n" + string.Join("\n", process.Output.TakeLast(60));
        if (stream is not null)
        {
            text += "\n--- worker logs (last 30) ---\n" + string.Join("\n", stream.Logs.TakeLast(30));
            if (stream.Unexpected.Count > 0) text += "\n--- messages nobody waited for ---\n" + string.Join("\n", stream.Unexpected.TakeLast(10));
        }
        return text;
    }
}
