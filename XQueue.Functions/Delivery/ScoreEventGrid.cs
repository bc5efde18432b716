using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Publishes score events to an Event Grid topic in the CloudEvents schema: one structured-mode event per POST
/// to the topic endpoint, authenticated by the topic key (aeg-sas-key) or, without one, by an Entra ID token.
/// An event past Event Grid's 1 MB limit is sent with a <c>dataref</c> instead of its data.
/// </summary>
public sealed class ScoreEventGrid(IHttpClientFactory clients, IOptions<XQueueOptions> options, EventGridToken token)
{
    public const string ClientName = "eventgrid";
    public const int MaxEventBytes = 1_000_000;
    static readonly MediaTypeHeaderValue CloudEventJson = MediaTypeHeaderValue.Parse("application/cloudevents+json; charset=utf-8");

    public bool Enabled => options.Value.ScoreEvents.EventGridUri is not null;

    public async Task<ChannelOutcome> PublishAsync(ScoreEvent scoreEvent, Func<ScoreEvent, Task<Uri>> claimCheck, CancellationToken cancellationToken)
    {
        var settings = options.Value.ScoreEvents;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Delivery.Timeout);
        try
        {
            var body = scoreEvent.Bytes.Length > MaxEventBytes ? await scoreEvent.ReferencedAsync(claimCheck) : scoreEvent.Bytes;
            using var request = new HttpRequestMessage(HttpMethod.Post, settings.EventGridUri) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = CloudEventJson;
            if (!string.IsNullOrEmpty(settings.EventGridKey)) request.Headers.Add("aeg-sas-key", settings.EventGridKey);
            else request.Headers.Authorization = new("Bearer", await token.GetAsync(timeout.Token));

            using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            return new ChannelOutcome(response.IsSuccessStatusCode, status, response.IsSuccessStatusCode ? null : $"HTTP {status}");
        }
        catch (HttpRequestException e)
        {
            return new ChannelOutcome(false, null, e.HttpRequestError.ToString());
        }
        catch (Azure.Identity.AuthenticationFailedException)
        {
            return new ChannelOutcome(false, null, "no Entra ID token for Event Grid");
        }
        catch (Azure.RequestFailedException e)
        {
            return new ChannelOutcome(false, null, $"claim check: {e.ErrorCode ?? e.Status.ToString()}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ChannelOutcome(false, null, "timeout");
        }
    }
}
