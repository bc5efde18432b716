using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Storage;

/// <summary>
/// One service's <see cref="HttpPipeline"/> plus the two things every client method needs from it:
/// a message tagged with its operation name, and errors turned into <see cref="RequestFailedException"/>.
/// </summary>
internal sealed class ServicePipeline(HttpPipeline pipeline, StorageService service)
{
    public HttpMessage CreateMessage(RequestMethod method, Uri uri, string operation)
    {
        var message = pipeline.CreateMessage();
        message.SetProperty(RequestCountingPolicy.OperationProperty, operation);
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        return message;
    }

    /// <summary>Sends and returns the response; statuses outside <paramref name="expected"/> throw.</summary>
    public async Task<Response> SendAsync(
        HttpMessage message, string operation, CancellationToken cancellationToken, params int[] expected)
    {
        var response = await SendAllowingFailureAsync(message, cancellationToken).ConfigureAwait(false);
        return expected.Contains(response.Status) ? response : throw Failure(response, operation);
    }

    /// <summary>Sends and returns whatever came back, for callers that treat some failures as answers.</summary>
    public async Task<Response> SendAllowingFailureAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (AggregateException unreachable)
        {
            // Azure.Core gathers the transport errors of every retry; callers get one RequestFailedException
            // (status 0: no answer) like any other storage failure.
            var operation = message.TryGetProperty(RequestCountingPolicy.OperationProperty, out var name) ? name : "request";
            throw new RequestFailedException(0, $"Storage operation {operation} got no answer after {unreachable.InnerExceptions.Count} tries.", null, unreachable);
        }
        return message.Response;
    }

    public RequestFailedException Failure(Response response, string operation) =>
        StorageFailure.From(response, operation, service);

    public string? ErrorCode(Response response) => StorageFailure.ErrorCode(response, service);
}
