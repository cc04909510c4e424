using System.Net;

namespace Functions.Callbacks;

/// <summary>The callback's host resolves to no address a callback may reach.</summary>
public sealed class ForbiddenAddressException(string host, IEnumerable<IPAddress> resolved) : Exception(
    $"The callback's host '{host}' resolves to {string.Join(", ", resolved)}: loopback, private, link-local or reserved addresses are refused (Callbacks__AllowPrivateNetworks).");
