using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Storage;

/// <summary>
/// Stamps the headers every storage request carries. It runs once per attempt so that x-ms-date is
/// fresh on each retry (the service rejects stale dates, and Shared Key signs this value).
/// </summary>
internal sealed class StorageHeadersPolicy(StorageService service, TimeProvider clock) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var headers = message.Request.Headers;
        headers.SetValue("x-ms-version", service.ApiVersion());
        headers.SetValue("x-ms-date", clock.GetUtcNow().ToString("r", CultureInfo.InvariantCulture));
        if (service == StorageService.Table)
        {
            // The JSON payloads the table client uses need OData 3.0.
            headers.SetValue("DataServiceVersion", "3.0");
            headers.SetValue("MaxDataServiceVersion", "3.0");
        }
    }
}
