namespace XQueue.Bench.Rig;

/// <summary>
/// Sends each request of one client to the next of the service's instances in turn, the least sticky a load
/// balancer in front of Functions instances can be: with more than one instance a grader's put_result never reaches
/// the instance its get_submission did, and an LMS client's submits spread evenly. Clients start at different
/// instances. Cookies are kept per host, not per port, so a session from one instance travels to the others.
/// </summary>
public sealed class InstanceRotation(IReadOnlyList<Uri> instances, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    static int clients;

    int next = Interlocked.Increment(ref clients);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = instances[(int)((uint)Interlocked.Increment(ref next) % (uint)instances.Count)];
        request.RequestUri = new UriBuilder(request.RequestUri!) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}
