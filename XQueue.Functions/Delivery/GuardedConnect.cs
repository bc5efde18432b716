using System.Net;
using System.Net.Sockets;

namespace XQueue.Functions.Delivery;

/// <summary>
/// The connection step of every LMS callback: the host is resolved here and only addresses the allowlist
/// accepts are connected to. Checking after resolution, on the address actually used, is what defeats DNS
/// rebinding (a name that was public at submit and points inside at delivery) and redirect tricks.
/// </summary>
public static class GuardedConnect
{
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Using(CallbackAllowlist allowlist) =>
        async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
                ? new[] { literal }
                : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var allowed = addresses.Where(address => allowlist.Refusal(host, address) is null).ToArray();
            if (allowed.Length == 0)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError,
                    $"callback address refused: {allowlist.Refusal(host, addresses.FirstOrDefault() ?? IPAddress.None)}");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
