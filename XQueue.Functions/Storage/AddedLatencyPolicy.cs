using Azure.Core;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Storage;

/// <summary>
/// Waits <paramref name="latency"/> before each attempt of a storage call goes out (<c>XQueue:Storage:AddedLatency</c>):
/// the round trip Azure Storage adds in a region and Azurite on loopback does not, so that a benchmark on the
/// emulator shows what calls made one after another cost. Placed per retry, as every attempt is a round trip.
/// </summary>
internal sealed class AddedLatencyPolicy(TimeSpan latency) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Thread.Sleep(latency);
        ProcessNext(message, pipeline);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await Task.Delay(latency, message.CancellationToken).ConfigureAwait(false);
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
    }
}
