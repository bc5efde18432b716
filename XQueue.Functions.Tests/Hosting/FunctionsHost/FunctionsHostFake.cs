using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using XQueue.Functions.Tests.Hosting.FunctionsHost.Rpc;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// The Azure Functions host's side of the worker protocol, for tests: it starts a published .NET
/// isolated-worker app the way the host does, speaks <c>FunctionRpc.EventStream</c> with it, and invokes
/// its functions with the messages the host sends, so a test runs the path Azure runs without Core Tools.
/// <code>
/// await using var host = await FunctionsHostFake.StartAsync(publishFolder, new Dictionary&lt;string, string?&gt;
/// {
///     ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
///     ["AzureWebJobsStorage"] = azurite.ConnectionString,
///     // ...the app's own settings, as on the Function App
/// });
/// using var status = await host.InvokeHttpAsync("Status", new HttpRequestMessage(HttpMethod.Get, "/xqueue/status/"));
/// var sweep = await host.InvokeTimerAsync("Sweep");
/// var delivery = await host.InvokeQueueAsync("DeliverResult", messageText, dequeueCount: 1);
/// </code>
/// <para>
/// <c>worker</c> is the publish folder (started through its worker.config.json, as the host does), the app's
/// dll, or its executable; for this app, the folder that <c>dotnet publish XQueue.Functions -c Release -o</c>
/// writes (it holds host.json, functions.metadata, worker.config.json and .azurefunctions/). <c>environment</c> holds the app settings: the worker inherits the test process's
/// environment plus these (a null value removes a variable), and the fixture adds FUNCTIONS_WORKER_DIRECTORY
/// and FUNCTIONS_APPLICATION_DIRECTORY, which the worker needs and only the host sets. HTTP paths include the
/// route prefix from the app's host.json ("api" unless <c>extensions.http.routePrefix</c> says otherwise).
/// </para>
/// <para>
/// Public sources each behaviour follows (read, not copied), by repository:
/// Azure/azure-functions-language-worker-protobuf: src/proto/FunctionRpc.proto (messages, field numbers).
/// Azure/azure-functions-host: src/WebJobs.Script/Workers/Rpc/RpcWorkerContext.cs (both argument forms);
/// Workers/Rpc/RpcWorkerProcess.cs, Workers/ProcessManagement/DefaultWorkerProcessFactory.cs (process, folder,
/// environment); src/WebJobs.Script.Grpc/Channel/GrpcWorkerChannel.cs (init, metadata, load and invocation
/// order, forwarding before the InvocationRequest, InvocationCancel, WorkerTerminate with 5 s grace);
/// Server/DefaultHttpProxyService.cs, Server/RetryProxyHandler.cs (forwarding, x-ms-invocation-id, retries);
/// Extensions/ScriptInvocationContextExtensions.cs, MessageExtensions/GrpcMessageConversionExtensions.cs
/// (input data, trigger metadata, the empty RpcHttp); src/WebJobs.Script/Utility.cs (JSON binding data).
/// Azure/azure-functions-dotnet-worker: src/DotNetWorker/Hosting/WorkerHostBuilderExtensions.cs (the
/// --functions-* arguments it reads); src/DotNetWorker.Grpc/GrpcWorker.cs, src/DotNetWorker.Core/Hosting/WorkerOptions.cs
/// (capabilities, one load request per function); src/DotNetWorker.Grpc/Definition/GrpcFunctionDefinition.cs
/// (FUNCTIONS_APPLICATION_DIRECTORY); extensions/Worker.Extensions.Http.AspNetCore/src (HttpUri,
/// WorkerRequestServicesMiddleware.cs, FunctionsEndpointDataSource.cs for the route prefix);
/// extensions/Worker.Extensions.Storage.Queues/src/JsonConverters/QueueMessageJsonConverter.cs.
/// Azure/azure-webjobs-sdk-extensions: timer and queue trigger binding data names. YARP's documented
/// HttpTransformer.Default (X-Forwarded-* set, Host replaced).
/// </para>
/// </summary>
public sealed partial class FunctionsHostFake : IAsyncDisposable
{
    readonly FunctionsHostOptions options;
    readonly RpcEndpoint endpoint;
    readonly WorkerProcess process;
    readonly WorkerStream stream;
    readonly Handshake.Outcome handshake;
    readonly HttpMessageInvoker? toWorker;
    bool disposed;

    FunctionsHostFake(FunctionsHostOptions options, RpcEndpoint endpoint, WorkerProcess process, WorkerStream stream,
        Handshake.Outcome handshake, string appDirectory, TimeSpan startToLoaded)
    {
        this.options = options;
        this.endpoint = endpoint;
        this.process = process;
        this.stream = stream;
        this.handshake = handshake;
        AppDirectory = appDirectory;
        RoutePrefix = HttpForwarding.RoutePrefix(appDirectory);
        StartToLoaded = startToLoaded;
        if (handshake.Capabilities.TryGetValue("HttpUri", out var httpUri) && httpUri.Length > 0)
        {
            WorkerHttpUri = new Uri(httpUri);
            toWorker = new HttpMessageInvoker(new ConnectRetryHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }));
        }
    }

    /// <summary>The functions from the worker's FunctionMetadataResponse, with how their load went.</summary>
    public IReadOnlyList<LoadedFunction> Functions => handshake.Functions;

    /// <summary>WorkerInitResponse.capabilities (HttpUri, RpcHttpBodyOnly, HandlesWorkerTerminateMessage, ...).</summary>
    public IReadOnlyDictionary<string, string> WorkerCapabilities => handshake.Capabilities;

    /// <summary>The worker's HttpUri capability: where its ASP.NET Core integration listens; null without it.</summary>
    public Uri? WorkerHttpUri { get; }

    /// <summary>From WorkerInitRequest sent to the last FunctionLoadResponse received.</summary>
    public TimeSpan InitToLoaded => handshake.InitToLoaded;

    /// <summary>From starting the process to the last FunctionLoadResponse received (what Flex's 30 s budget covers).</summary>
    public TimeSpan StartToLoaded { get; }

    public string AppDirectory { get; }

    /// <summary>The HTTP route prefix, without slashes; empty when the app has none.</summary>
    public string RoutePrefix { get; }

    /// <summary>Every RpcLog the worker sent, in arrival order.</summary>
    public IReadOnlyCollection<WorkerLog> Logs => stream.Logs;

    /// <summary>
    /// The worker's stdout and stderr lines ("[stderr] " first on the latter). Once its stream is open the
    /// .NET worker sends its logs as RpcLog (<see cref="Logs"/>), so this mostly holds what it printed
    /// before, such as a crash at start-up.
    /// </summary>
    public IReadOnlyCollection<string> WorkerOutput => process.Output;

    public static async Task<FunctionsHostFake> StartAsync(string worker, IReadOnlyDictionary<string, string?> environment,
        FunctionsHostOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FunctionsHostOptions();
        var command = WorkerCommand.For(worker);
        var endpoint = await RpcEndpoint.StartAsync(cancellationToken);
        WorkerProcess? process = null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.StartupTimeout);
            var clock = Stopwatch.StartNew();
            var workerId = Guid.NewGuid().ToString();
            process = WorkerProcess.Start(command.StartInfo(endpoint.Address, workerId, Guid.NewGuid().ToString(), environment));

            Task first;
            try
            {
                first = await Task.WhenAny(endpoint.Connected, process.Exited).WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The worker did not open its event stream within {options.StartupTimeout}." + Diagnostics(process, null));
            }
            if (first != endpoint.Connected)
                throw new InvalidOperationException($"The worker exited before opening its event stream ({process.ExitDescription})." + Diagnostics(process, null));
            var stream = await endpoint.Connected;
            if (stream.WorkerId != workerId)
                throw new InvalidOperationException($"The worker started its stream as '{stream.WorkerId}', not as the worker id it was given ('{workerId}').");

            var running = process;
            var handshake = await Handshake.RunAsync(stream, command.AppDirectory, options.HostVersion,
                (reply, what) => Answer(reply, what, options.StartupTimeout, running, stream, cancellationToken), deadline.Token);
            return new FunctionsHostFake(options, endpoint, process, stream, handshake, command.AppDirectory, clock.Elapsed);
        }
        catch
        {
            if (process is not null)
            {
                await process.StopAsync(TimeSpan.Zero);
                process.Dispose();
            }
            await endpoint.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops the worker as the host does: WorkerTerminate with the grace period to a worker that handles it
    /// (the .NET worker stops its application), a kill after the grace period or right away otherwise.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        var grace = TimeSpan.Zero;
        if (WorkerCapabilities.ContainsKey("HandlesWorkerTerminateMessage"))
        {
            stream.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(options.TerminateGracePeriod) } });
            grace = options.TerminateGracePeriod;
        }
        await process.StopAsync(grace);
        toWorker?.Dispose();
        await endpoint.DisposeAsync();
        process.Dispose();
    }
}
