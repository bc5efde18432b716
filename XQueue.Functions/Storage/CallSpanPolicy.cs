using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Storage;

/// <summary>
/// Adds each storage call, from its start to its answer, to the unit of work the calling flow is in
/// (<see cref="StorageCallSpans.Current"/>); outside one it costs a null check. Per call, before the retries and
/// <see cref="AddedLatencyPolicy"/>, so a call's span is what its caller waited, and a retried call is one call,
/// as the request counter counts it. A call that fails counts: it was a round trip too.
/// </summary>
internal sealed class CallSpanPolicy : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var spans = StorageCallSpans.Current;
        var start = Stopwatch.GetTimestamp();
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            spans?.Add(start, Stopwatch.GetTimestamp());
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var spans = StorageCallSpans.Current;
        if (spans is null)
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            return;
        }
        var start = Stopwatch.GetTimestamp();
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            spans.Add(start, Stopwatch.GetTimestamp());
        }
    }
}
