using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using XQueue.Functions.Tests.Hosting.FunctionsHost.Rpc;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// The host's side of one worker's <c>EventStream</c> call, after the worker's <c>StartStream</c>.
/// Outgoing messages go through one channel because a gRPC stream writer takes one write at a time (the
/// host's channel queues its writes the same way). Every answer the host waits for is matched to its
/// request by a key: the single init and metadata answers by type, load answers by function id,
/// invocation answers by invocation id, as <c>GrpcWorkerChannel</c> does. Logs are kept in arrival order.
/// </summary>
sealed class WorkerStream
{
    readonly Channel<StreamingMessage> outgoing = Channel.CreateUnbounded<StreamingMessage>(new() { SingleReader = true });
    readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> waiting = new();
    readonly ConcurrentQueue<WorkerLog> logs = new();
    readonly ConcurrentQueue<string> unexpected = new();
    readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    volatile Exception? closedBecause;

    public WorkerStream(string workerId) => WorkerId = workerId;

    public string WorkerId { get; }

    /// <summary>Every <c>RpcLog</c> the worker sent, invocation logs and system logs alike.</summary>
    public IReadOnlyCollection<WorkerLog> Logs => logs;

    /// <summary>Messages no request was waiting for (kept for diagnostics).</summary>
    public IReadOnlyCollection<string> Unexpected => unexpected;

    /// <summary>Completes when the worker ends the stream or the connection breaks.</summary>
    public Task Closed => closed.Task;

    /// <summary>Sends <paramref name="request"/> and waits for the answer that <paramref name="replyKey"/> names.</summary>
    public async Task<StreamingMessage> RequestAsync(StreamingMessage request, string replyKey, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!waiting.TryAdd(replyKey, answer)) throw new InvalidOperationException($"Already waiting for {replyKey}.");
        if (closedBecause is not null) answer.TrySetException(closedBecause);
        try
        {
            Send(request);
            return await answer.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            waiting.TryRemove(replyKey, out _);
        }
    }

    /// <summary>Queues a message that has no answer (for example <c>WorkerTerminate</c>).</summary>
    public void Send(StreamingMessage message) => outgoing.Writer.TryWrite(message);

    public static string InitKey => "init";
    public static string MetadataKey => "metadata";
    public static string LoadKey(string functionId) => $"load:{functionId}";
    public static string InvocationKey(string invocationId) => $"invocation:{invocationId}";

    /// <summary>Runs for the life of the call: writes what was queued and routes what the worker sends.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> fromWorker, IServerStreamWriter<StreamingMessage> toWorker, CancellationToken cancellationToken)
    {
        var writing = WriteAsync(toWorker, cancellationToken);
        try
        {
            while (await fromWorker.MoveNext(cancellationToken)) Route(fromWorker.Current);
            Close(new IOException("The worker ended its event stream."));
        }
        catch (Exception e)
        {
            Close(new IOException($"The worker's event stream broke: {e.Message}", e));
        }
        outgoing.Writer.TryComplete();
        await writing;
    }

    async Task WriteAsync(IServerStreamWriter<StreamingMessage> toWorker, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in outgoing.Reader.ReadAllAsync(cancellationToken)) await toWorker.WriteAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The call is over; whoever waits for an answer learns it from Close.
        }
    }

    /// <summary>Stops the stream from the host's side (the fixture is being disposed).</summary>
    public void Complete() => outgoing.Writer.TryComplete();

    void Route(StreamingMessage message)
    {
        if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            logs.Enqueue(WorkerLog.From(message.RpcLog));
            return;
        }
        var key = message.ContentCase switch
        {
            StreamingMessage.ContentOneofCase.WorkerInitResponse => InitKey,
            StreamingMessage.ContentOneofCase.FunctionMetadataResponse => MetadataKey,
            StreamingMessage.ContentOneofCase.FunctionLoadResponse => LoadKey(message.FunctionLoadResponse.FunctionId),
            StreamingMessage.ContentOneofCase.InvocationResponse => InvocationKey(message.InvocationResponse.InvocationId),
            _ => null,
        };
        if (key is null || !waiting.TryGetValue(key, out var answer) || !answer.TrySetResult(message))
            unexpected.Enqueue(message.ToString());
    }

    void Close(Exception reason)
    {
        closedBecause = reason;
        foreach (var answer in waiting.Values) answer.TrySetException(reason);
        closed.TrySetResult();
    }
}
