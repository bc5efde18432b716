using Azure.Core;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Storage;

/// <summary>
/// Signs each attempt with the account key. It must sit among the per-retry policies, after
/// <see cref="StorageHeadersPolicy"/>, because the signature covers that attempt's x-ms-date.
/// </summary>
internal sealed class SharedKeyPolicy(StorageService service, string accountName, byte[] accountKey)
    : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var uri = request.Uri.ToUri();
        var headers = request.Headers.Select(header => KeyValuePair.Create(header.Name, header.Value));

        var stringToSign = service == StorageService.Table
            ? SharedKeyStringToSign.ForTable(request.Method.Method, uri, headers, accountName)
            : SharedKeyStringToSign.ForBlobOrQueue(request.Method.Method, uri, headers, ContentLength(request), accountName);

        request.Headers.SetValue(
            HttpHeader.Names.Authorization, $"SharedKey {accountName}:{StorageSignature.Compute(accountKey, stringToSign)}");
    }

    static long ContentLength(Request request)
    {
        if (request.Content is null) return 0;
        // Content-Length is part of the signature, so a body of unknown length cannot be signed.
        return request.Content.TryComputeLength(out var length)
            ? length
            : throw new InvalidOperationException("Shared Key needs a request body of known length.");
    }
}
