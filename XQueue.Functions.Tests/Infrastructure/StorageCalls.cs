using Azure.Core;
using Azure.Core.Pipeline;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Tests.Infrastructure;

public sealed record StorageCall(string Operation, string Path);

/// <summary>
/// Records every storage request one service makes (per call, so a retry counts once), with the operation
/// its client names (<c>queue.receive</c>, <c>table.query</c> …) and the resource path.
/// </summary>
public sealed class StorageCalls : HttpPipelinePolicy
{
    readonly List<StorageCall> calls = [];

    /// <summary>Puts this policy in the app's storage pipeline (see <see cref="StoragePipeline"/>).</summary>
    public void AddTo(IServiceCollection services) => services.AddStoragePolicy(this);

    public IReadOnlyList<StorageCall> Snapshot()
    {
        lock (calls) return calls.ToArray();
    }

    /// <summary>Calls of <paramref name="operation"/> whose path contains <paramref name="pathPart"/>.</summary>
    public int Count(string operation, string pathPart) =>
        Snapshot().Count(call => call.Operation == operation && call.Path.Contains(pathPart, StringComparison.Ordinal));

    public async Task WaitForAsync(string operation, string pathPart, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Count(operation, pathPart) < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"fewer than {count} {operation} calls on {pathPart} within {timeout}");
            await Task.Delay(10);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        var operation = message.TryGetProperty(RequestCountingPolicy.OperationProperty, out var name) && name is string text ? text : "?";
        lock (calls) calls.Add(new StorageCall(operation, message.Request.Uri.Path));
    }
}
