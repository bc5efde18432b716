using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Delivery;

/// <summary>
/// The legacy result callback (reference §5.2): a form POST of the LMS's own header and the grader's
/// reply to the URL the LMS gave, verbatim; only HTTP 200 counts. TLS is verified, unlike the original.
/// </summary>
public sealed class LmsCallback(IHttpClientFactory clients, IOptions<XQueueOptions> options)
{
    public const string ClientName = "lms";

    public async Task<ChannelOutcome> PostAsync(string callbackUrl, string header, string reply, CancellationToken cancellationToken = default)
    {
        // The LMS URL carries ':', '+' and '@' in its usage id; post it exactly as given.
        if (!Uri.TryCreate(callbackUrl, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }, out var url))
        {
            return new ChannelOutcome(false, null, "invalid callback URL");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Delivery.Timeout);
        using var content = new FormUrlEncodedContent([new("xqueue_header", header), new("xqueue_body", reply)]);
        try
        {
            using var response = await clients.CreateClient(ClientName).PostAsync(url, content, timeout.Token);
            var status = (int)response.StatusCode;
            return new ChannelOutcome(status == 200, status, status == 200 ? null : $"HTTP {status}");
        }
        catch (HttpRequestException e)
        {
            return new ChannelOutcome(false, null, e.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ChannelOutcome(false, null, "timeout");
        }
    }
}
