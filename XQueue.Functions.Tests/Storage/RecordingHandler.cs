using System.Net;
using Azure.Core.Pipeline;

namespace XQueue.Functions.Tests.Storage;

/// <summary>
/// The HTTP layer under the storage clients (or a grader's HTTP client), without a server: records each request
/// and answers it with what the test's responder says. Safe for concurrent requests.
/// </summary>
internal sealed class RecordingHandler(Func<RecordedRequest, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    readonly List<RecordedRequest> requests = [];

    /// <summary>Answers every request with <paramref name="status"/> and no body.</summary>
    public RecordingHandler(HttpStatusCode status) : this(_ => Task.FromResult(new HttpResponseMessage(status)))
    {
    }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (requests) return requests.ToArray(); }
    }

    /// <summary>This handler as the storage clients' transport.</summary>
    public HttpPipelineTransport Transport() => new HttpClientTransport(new HttpClient(this));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), headers, body);
        lock (requests) requests.Add(recorded);
        return await respond(recorded);
    }
}
