using System.Net;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// The wire between the app's storage clients and Azurite, throttling as Azure does past its scalability targets:
/// a share of the requests is answered 503 ServerBusy without reaching storage (below the clients' retries, so each
/// attempt is throttled on its own). Seeded, so a run can be repeated.
/// </summary>
public sealed class ServerBusyWire(int seed = 2207) : DelegatingHandler(new SocketsHttpHandler())
{
    readonly Random random = new(seed);
    int requests;
    int throttled;

    /// <summary>The share of requests answered ServerBusy, from 0 (off) to 1.</summary>
    public double Share { get; set; }

    public int Requests => Volatile.Read(ref requests);

    public int Throttled => Volatile.Read(ref throttled);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref requests);
        bool busy;
        lock (random) busy = random.NextDouble() < Share;
        if (!busy) return base.SendAsync(request, cancellationToken);
        Interlocked.Increment(ref throttled);
        var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request };
        response.Headers.Add("x-ms-error-code", "ServerBusy");
        return Task.FromResult(response);
    }
}
