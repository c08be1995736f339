using System.Net;
using System.Net.Sockets;

namespace Chat.Accounts;

/// <summary>
/// Who "one address" is for the chat's limits: an IPv4 address (also when mapped into IPv6) as it is, an IPv6 address
/// by its /64 network, since one subscriber usually holds a whole /64 (the Consumers runtime counts connections the
/// same way). Behind a reverse proxy, <c>UseForwardedHeaders</c> must make the request's address the client's.
/// </summary>
public static class ClientAddress
{
    /// <summary>The address of the request's client, or null where there is none (a test server, a Unix socket).</summary>
    public static string? Of(HttpContext context) => context.Connection.RemoteIpAddress is { } ip ? Key(ip) : null;

    /// <summary>The key of <paramref name="ip"/>: <c>203.0.113.7</c> or <c>2001:db8:1:2::/64</c>.</summary>
    public static string Key(IPAddress ip)
    {
        var address = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
