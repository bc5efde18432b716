using System.Net;

namespace XQueue.Functions.Auth;

/// <summary>
/// The client's address for per-address limits. Under the Functions host every request arrives from the host
/// on loopback, with the caller in the last X-Forwarded-For entry (the one the platform's front end added);
/// the header is believed only from loopback, where no client can reach us directly with a forged one.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext http)
    {
        var remote = http.Connection.RemoteIpAddress;
        if (remote is not null && IPAddress.IsLoopback(remote) &&
            http.Request.Headers["X-Forwarded-For"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } hops)
        {
            return hops[^1];
        }
        return remote?.ToString() ?? "unknown";
    }
}
