using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using XQueue.Functions.Tests.Hosting.FunctionsHost.Rpc;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// The gRPC server the worker dials back to: <c>FunctionRpc.EventStream</c> on Kestrel, 127.0.0.1, a port
/// the system picks, HTTP/2 without TLS (the host's own server listens on 127.0.0.1 the same way and
/// passes its address to the worker on the command line). Message size limits are off, as the host
/// passes int.MaxValue as the worker's maximum message length.
/// </summary>
sealed class RpcEndpoint : IAsyncDisposable
{
    readonly WebApplication app;
    readonly TaskCompletionSource<WorkerStream> connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    RpcEndpoint(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    /// <summary>The host's gRPC address, as in <c>--functions-uri</c>: <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Address { get; }

    /// <summary>Completes when a worker has opened its stream and sent <c>StartStream</c>.</summary>
    public Task<WorkerStream> Connected => connected.Task;

    public static async Task<RpcEndpoint> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        var holder = new EndpointHolder();
        builder.Services.AddSingleton(holder);

        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(cancellationToken);

        var endpoint = new RpcEndpoint(app, new Uri(app.Urls.Single().TrimEnd('/') + "/"));
        holder.Endpoint = endpoint;
        return endpoint;
    }

    /// <summary>Called by the service for each <c>EventStream</c> call; runs until the call ends.</summary>
    async Task AcceptAsync(IAsyncStreamReader<StreamingMessage> fromWorker, IServerStreamWriter<StreamingMessage> toWorker, ServerCallContext context)
    {
        if (!await fromWorker.MoveNext(context.CancellationToken) || fromWorker.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
            throw new Grpc.Core.RpcException(new Status(StatusCode.FailedPrecondition, "The first message on the stream must be StartStream."));

        var stream = new WorkerStream(fromWorker.Current.StartStream.WorkerId);
        // One worker per fixture: a second stream would be a worker that restarted, which the fixture
        // does not model; it is refused rather than silently mixed in.
        if (!connected.TrySetResult(stream))
            throw new Grpc.Core.RpcException(new Status(StatusCode.AlreadyExists, "A worker is already connected to this host."));
        await stream.RunAsync(fromWorker, toWorker, context.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        connected.TrySetCanceled();
        if (connected.Task.IsCompletedSuccessfully) connected.Task.Result.Complete();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(stopping.Token);
        await app.DisposeAsync();
    }

    /// <summary>Lets the DI-created service reach the endpoint that owns it.</summary>
    sealed class EndpointHolder
    {
        public RpcEndpoint? Endpoint { get; set; }
    }

    sealed class FunctionRpcService(EndpointHolder holder) : FunctionRpc.FunctionRpcBase
    {
        public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
            holder.Endpoint is { } endpoint
                ? endpoint.AcceptAsync(requestStream, responseStream, context)
                : throw new Grpc.Core.RpcException(new Status(StatusCode.Unavailable, "The host is still starting."));
    }
}
