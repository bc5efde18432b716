namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// The host retries a forwarded request whose connection fails, up to 10 attempts, waiting 50 ms and
/// doubling up to 250 ms (RetryProxyHandler): the worker reports its HttpUri as soon as it is initialized,
/// possibly before its Kestrel listens. Anything but a connection failure is passed on at once.
/// </summary>
sealed class ConnectRetryHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    const int Attempts = 10;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < Attempts)
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
        }
    }
}
