using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Delivery;

/// <summary>
/// Where LMS callbacks may go (XQueue:CallbackHosts). The URL comes from whoever submits, so without this
/// the service would POST wherever it is told, including cloud metadata endpoints and internal services.
/// Link-local and metadata addresses are refused always; loopback and private addresses only for a host
/// listed exactly (not through a wildcard); with a non-empty list, only the hosts it matches.
/// </summary>
public sealed class CallbackAllowlist
{
    readonly HashSet<string> exact = new(StringComparer.OrdinalIgnoreCase);
    readonly List<string> suffixes = [];

    public CallbackAllowlist(IOptions<XQueueOptions> options)
    {
        foreach (var entry in CommaList.Entries(options.Value.CallbackHosts))
        {
            if (entry.StartsWith("*.", StringComparison.Ordinal)) suffixes.Add(entry[1..]);
            else exact.Add(Normalize(entry));
        }
    }

    public bool IsEmpty => exact.Count == 0 && suffixes.Count == 0;

    /// <summary>The host name alone, before any address is known.</summary>
    public bool AllowsHost(string host) =>
        IsEmpty || exact.Contains(Normalize(host)) || suffixes.Any(suffix => Normalize(host).EndsWith(suffix, StringComparison.OrdinalIgnoreCase));

    /// <summary>The host with one address it resolves to (or is): null when allowed, otherwise why not.</summary>
    public string? Refusal(string host, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IsNeverReachable(address)) return $"{address} is a link-local, metadata or non-unicast address";
        if (!AllowsHost(host)) return "host is not in XQueue:CallbackHosts";
        if (IsInternal(address) && !exact.Contains(Normalize(host))) return $"{address} is loopback or private and the host is not listed exactly";
        return null;
    }

    static bool IsNeverReachable(IPAddress address)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6Multicast || address.IsIPv6SiteLocal ||
                address.Equals(IPAddress.Parse("fd00:ec2::254")); // AWS metadata over IPv6
        }
        var b = address.GetAddressBytes();
        return b[0] == 169 && b[1] == 254 || // link-local, including 169.254.169.254 (AWS, Azure IMDS, GCP)
            b[0] == 0 || b[0] >= 224 || // "this network", multicast, reserved
            address.Equals(IPAddress.Parse("168.63.129.16")) || // Azure's platform endpoint
            address.Equals(IPAddress.Parse("100.100.100.200")); // Alibaba Cloud metadata
    }

    static bool IsInternal(IPAddress address)
    {
        if (IPAddress.IsLoopback(address)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6) return (address.GetAddressBytes()[0] & 0xfe) == 0xfc; // unique local
        var b = address.GetAddressBytes();
        return b[0] == 10 || b[0] == 172 && b[1] is >= 16 and <= 31 || b[0] == 192 && b[1] == 168 ||
            b[0] == 100 && b[1] is >= 64 and <= 127; // carrier-grade NAT, used inside clouds
    }

    static string Normalize(string host) => host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
}
