using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Storage;

/// <summary>
/// When no try reached the service (refused, reset, timed out), Azure.Core's retry policy throws an
/// AggregateException of every try's error. Placed before the retries, this turns it into one
/// <see cref="RequestFailedException"/> with status 0 (no answer), so callers handle an unreachable store
/// like any other storage failure: the legacy 503, a later sweep, a start-up message.
/// </summary>
internal sealed class NoAnswerPolicy : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (AggregateException tries)
        {
            throw NoAnswer(message, tries);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch (AggregateException tries)
        {
            throw NoAnswer(message, tries);
        }
    }

    static RequestFailedException NoAnswer(HttpMessage message, AggregateException tries)
    {
        var operation = message.TryGetProperty(RequestCountingPolicy.OperationProperty, out var name) ? name : "request";
        return new RequestFailedException(0, $"Storage operation {operation} got no answer after {tries.InnerExceptions.Count} tries.", null, tries);
    }
}
