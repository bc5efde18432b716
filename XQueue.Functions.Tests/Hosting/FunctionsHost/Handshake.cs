using System.Diagnostics;
using XQueue.Functions.Tests.Hosting.FunctionsHost.Rpc;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// What the host does between the worker's <c>StartStream</c> and the first invocation (GrpcWorkerChannel):
/// <c>WorkerInitRequest</c> and its response (the worker's capabilities), <c>FunctionsMetadataRequest</c>
/// for worker indexing, then one <c>FunctionLoadRequest</c> per reported function, all sent before any
/// answer is awaited. The host would send one <c>FunctionLoadRequestCollection</c> instead to a worker that
/// reports SupportsLoadResponseCollection; the .NET worker does not.
/// </summary>
static class Handshake
{
    public sealed record Outcome(
        IReadOnlyDictionary<string, string> Capabilities,
        string WorkerVersion,
        IReadOnlyList<LoadedFunction> Functions,
        TimeSpan InitToLoaded);

    /// <param name="answer">Awaits one answer, turning a timeout or a closed stream into an exception that carries the worker's output.</param>
    public static async Task<Outcome> RunAsync(WorkerStream stream, string appDirectory, string hostVersion,
        Func<Task<StreamingMessage>, string, Task<StreamingMessage>> answer, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var init = new WorkerInitRequest
        {
            HostVersion = hostVersion,
            // The dotnet-isolated worker.config.json sits in the app folder, so both folders are the app's.
            WorkerDirectory = appDirectory,
            FunctionAppDirectory = appDirectory,
        };
        // The host also advertises MultiStream (extra streams with the same worker id); the fixture serves
        // one stream per worker, so it does not offer it.
        var initResponse = (await answer(stream.RequestAsync(new StreamingMessage { WorkerInitRequest = init }, WorkerStream.InitKey, cancellationToken), "WorkerInitResponse")).WorkerInitResponse;
        Fail(initResponse.Result, "The worker failed to initialize");

        var metadataRequest = new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } };
        var metadata = (await answer(stream.RequestAsync(metadataRequest, WorkerStream.MetadataKey, cancellationToken), "FunctionMetadataResponse")).FunctionMetadataResponse;
        Fail(metadata.Result, "The worker failed to index its functions");
        if (metadata.UseDefaultMetadataIndexing)
            throw new NotSupportedException("The worker asked the host to index functions itself (use_default_metadata_indexing); the fixture only supports worker indexing.");

        var functions = new List<LoadedFunction>();
        foreach (var reported in metadata.FunctionMetadataResults)
        {
            if (reported.Status is { Status: StatusResult.Types.Status.Failure } status)
                throw new InvalidOperationException($"The worker failed to index {reported.Name}: {status.Exception?.Message}");
            functions.Add(LoadedFunction.From(reported));
        }

        var loads = functions
            .Select(function => stream.RequestAsync(new StreamingMessage { FunctionLoadRequest = function.ToLoadRequest() }, WorkerStream.LoadKey(function.FunctionId), cancellationToken))
            .ToList();
        var loaded = new List<LoadedFunction>();
        for (var i = 0; i < functions.Count; i++)
        {
            var response = (await answer(loads[i], $"FunctionLoadResponse for {functions[i].Name}")).FunctionLoadResponse;
            loaded.Add(response.Result?.Status == StatusResult.Types.Status.Success
                ? functions[i]
                : functions[i] with { LoadError = response.Result?.Exception?.Message ?? "The worker failed to load the function and gave no reason." });
        }

        return new Outcome(initResponse.Capabilities.ToDictionary(), initResponse.WorkerVersion, loaded, clock.Elapsed);
    }

    static void Fail(StatusResult? result, string what)
    {
        if (result is null || result.Status == StatusResult.Types.Status.Success) return;
        throw new InvalidOperationException($"{what}: {result.Exception?.Type} {result.Exception?.Message}\n{result.Exception?.StackTrace}");
    }
}
