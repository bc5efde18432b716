using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Storage;

/// <summary>
/// Counts storage requests per service and operation. Per-call, so a retried request counts once:
/// the counter measures what the application asked for, not transport attempts.
/// </summary>
internal sealed class RequestCountingPolicy(StorageService service, Uri serviceEndpoint) : HttpPipelineSynchronousPolicy
{
    public const string MeterName = "XQueue.Storage";
    public const string InstrumentName = "xqueue.storage.requests";

    /// <summary>The message property under which the operation's name is left for later policies.</summary>
    public const string OperationProperty = "storage.operation";

    static readonly Meter meter = new(MeterName);
    static readonly Counter<long> requests = meter.CreateCounter<long>(
        InstrumentName, unit: "{request}", description: "Storage REST requests issued, by service and operation.");

    public override void OnSendingRequest(HttpMessage message)
    {
        var operation = StorageOperation.Of(service, message.Request, serviceEndpoint);
        message.SetProperty(OperationProperty, operation);
        requests.Add(1, new KeyValuePair<string, object?>("service", service.TagName()), new("operation", operation));
    }
}
