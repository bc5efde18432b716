using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace XQueue.Functions.Storage;

/// <summary>
/// What the three SDK clients share: retries sized for whoever waits, the request counter, the spans of each
/// request's calls, the benchmark's added latency, and room for more per-call policies or another transport (the
/// tests' fault injection and recorders go in here).
/// </summary>
public sealed class StorageClientSettings
{
    /// <summary>
    /// Azurite 3.35.0 (the last release that runs on Node 20) knows Blob and Queue REST versions up to
    /// 2025-11-05 and refuses newer ones; Azure accepts it too. Pinned so the emulator checks what Azure gets.
    /// </summary>
    public const QueueClientOptions.ServiceVersion QueueVersion = QueueClientOptions.ServiceVersion.V2025_11_05;

    public const BlobClientOptions.ServiceVersion BlobVersion = BlobClientOptions.ServiceVersion.V2025_11_05;

    /// <summary>Policies run once per call, before the retries, after the request counter.</summary>
    public List<HttpPipelinePolicy> PerCallPolicies { get; } = [];

    /// <summary>Replaces the HTTP transport (tests only: a recorder or a canned service).</summary>
    public HttpPipelineTransport? Transport { get; set; }

    /// <summary>
    /// Retries bounded by the caller's patience (<see cref="PatientRetryPolicy"/>): each request's function says how
    /// long a storage call may be retried for it, background work rides out a burst. Each attempt may take up to 10 s.
    /// </summary>
    /// <param name="addedLatency">Waited before every attempt (<c>XQueue:Storage:AddedLatency</c>); zero adds no policy.</param>
    public void ApplyTo(ClientOptions options, StorageTarget target, TimeSpan addedLatency = default)
    {
        options.RetryPolicy = new PatientRetryPolicy();
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        // No per-request log events: with the Azure log forwarder listening, each call would be formatted (URI,
        // headers) only to be dropped at the Warning level the app logs Azure at; bodies (learners' code, graders'
        // replies) never. Calls are counted by the policy below; failures reach the app as exceptions.
        options.Diagnostics.IsLoggingEnabled = false;
        options.Diagnostics.IsLoggingContentEnabled = false;

        var (service, endpoint) = options switch
        {
            QueueClientOptions => (StorageService.Queue, target.QueueServiceUri),
            TableClientOptions => (StorageService.Table, target.TableServiceUri),
            _ => (StorageService.Blob, target.BlobServiceUri),
        };
        options.AddPolicy(new RequestCountingPolicy(service, endpoint), HttpPipelinePosition.PerCall);
        options.AddPolicy(new NoAnswerPolicy(), HttpPipelinePosition.PerCall);
        options.AddPolicy(new CallSpanPolicy(), HttpPipelinePosition.PerCall);
        if (addedLatency > TimeSpan.Zero) options.AddPolicy(new AddedLatencyPolicy(addedLatency), HttpPipelinePosition.PerRetry);
        foreach (var policy in PerCallPolicies) options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        if (Transport is not null) options.Transport = Transport;
    }
}
