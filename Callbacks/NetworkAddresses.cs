using System.Net;
using System.Net.Sockets;

namespace Functions.Callbacks;

/// <summary>
/// The addresses a callback must not reach from inside the app's network: loopback, private (RFC 1918, carrier-grade
/// NAT 100.64/10, unique local fc00::/7), link-local (169.254/16 with the cloud metadata endpoint 169.254.169.254,
/// fe80::/10), unspecified, multicast and reserved ones, also when written as IPv4-mapped, IPv4-compatible or NAT64 IPv6.
/// </summary>
public static class NetworkAddresses
{
    private static readonly IPNetwork[] ForbiddenV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/3"),
    ];

    private static readonly IPNetwork[] ForbiddenV6 =
    [
        IPNetwork.Parse("::/96"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsForbidden(address.MapToIPv4());
        if (address.AddressFamily == AddressFamily.InterNetwork) return ForbiddenV4.Any(network => network.Contains(address));
        if (Nat64.Contains(address)) return IsForbidden(new IPAddress(address.GetAddressBytes()[12..]));
        return ForbiddenV6.Any(network => network.Contains(address));
    }
}
