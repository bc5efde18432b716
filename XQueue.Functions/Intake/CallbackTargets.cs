using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Caching.Memory;
using XQueue.Functions.Delivery;

namespace XQueue.Functions.Intake;

/// <summary>
/// The callback URL checked at submit: the host against the allowlist, and every address it names or resolves
/// to. Name lookups are remembered for a minute, so a burst of submits from one LMS costs one lookup. A name
/// that does not resolve now is accepted (a DNS hiccup must not lose a learner's submission): delivery checks
/// the address it actually connects to anyway (Delivery's guarded connect).
/// </summary>
public sealed class CallbackTargets(CallbackAllowlist allowlist, IMemoryCache cache, ILogger<CallbackTargets> log)
{
    static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);
    static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(2);

    /// <returns>Null when the URL may be called back; otherwise the reason (for the log).</returns>
    public async Task<string?> RefusalAsync(string callbackUrl, CancellationToken cancellationToken = default)
    {
        if (!Uri.TryCreate(callbackUrl, UriKind.Absolute, out var url)) return "is not an absolute URL";
        var host = url.IdnHost;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) return allowlist.Refusal(host, literal);
        if (!allowlist.AllowsHost(host)) return "host is not in XQueue:CallbackHosts";

        foreach (var address in await ResolveAsync(host, cancellationToken))
        {
            if (allowlist.Refusal(host, address) is { } refusal) return refusal;
        }
        return null;
    }

    async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(("callback-host", host), out IPAddress[]? known)) return known!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LookupTimeout);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
            cache.Set(("callback-host", host), addresses, RememberFor);
            return addresses;
        }
        catch (Exception e) when (e is SocketException or ArgumentException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            log.LogInformation("Callback host {Host} did not resolve at submit ({Error}); delivery checks it again", host, e.Message);
            return [];
        }
    }
}
