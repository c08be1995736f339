using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Consumers.Security;

/// <summary>
/// Counts open connections of this node, per user and per client address, and refuses handshakes over
/// <see cref="ConsumerOptions.MaxConnections"/> (503), <see cref="ConsumerOptions.MaxConnectionsPerUser"/> and
/// <see cref="ConsumerOptions.MaxConnectionsPerAddress"/> (429; IPv6 addresses counted by /64). One per application (singleton).
/// </summary>
internal sealed class ConnectionLimiter(IOptions<ConsumerOptions> options)
{
    private readonly ConsumerOptions _options = options.Value;
    private readonly KeyedCounts _perKey = new();
    private int _total;

    /// <summary>Open connections counted on this node.</summary>
    public int Count => Volatile.Read(ref _total);

    /// <summary>Takes a slot for the request, or answers the status code that refuses it (503 or 429).</summary>
    public bool TryAcquire(HttpContext httpContext, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Lease? lease, out int refusal)
    {
        lease = null;
        refusal = 0;
        if (!TryIncrement(ref _total, _options.MaxConnections))
        {
            refusal = StatusCodes.Status503ServiceUnavailable;
            return false;
        }

        var user = UserKey(httpContext.User);
        if (user is not null && !_perKey.TryIncrement(user, _options.MaxConnectionsPerUser))
        {
            Interlocked.Decrement(ref _total);
            refusal = StatusCodes.Status429TooManyRequests;
            return false;
        }

        var address = httpContext.Connection.RemoteIpAddress is { } ip ? AddressKey(ip) : null;
        if (address is not null && !_perKey.TryIncrement(address, _options.MaxConnectionsPerAddress))
        {
            if (user is not null)
            {
                _perKey.Decrement(user);
            }

            Interlocked.Decrement(ref _total);
            refusal = StatusCodes.Status429TooManyRequests;
            return false;
        }

        lease = new Lease(this, user, address);
        return true;
    }

    /// <summary>
    /// The per-address key: an IPv4 address (also when mapped into IPv6) as it is, an IPv6 address by its /64 prefix,
    /// since one subscriber usually holds a whole /64 and can pick 2^64 addresses from it.
    /// </summary>
    internal static string AddressKey(System.Net.IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        if (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return "ip:" + ip;
        }

        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return "ip:" + new System.Net.IPAddress(bytes) + "/64";
    }

    // Authenticated users only.
    private static string? UserKey(ClaimsPrincipal user) => UserId.Of(user) is { } id ? "user:" + id : null;

    private static bool TryIncrement(ref int counter, int limit)
    {
        if (limit <= 0)
        {
            Interlocked.Increment(ref counter);
            return true;
        }

        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>A held slot; <see cref="Dispose"/> gives it back (once).</summary>
    public sealed class Lease(ConnectionLimiter limiter, string? user, string? address) : IDisposable
    {
        private ConnectionLimiter? _limiter = limiter;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _limiter, null) is not { } owner)
            {
                return;
            }

            if (user is not null)
            {
                owner._perKey.Decrement(user);
            }

            if (address is not null)
            {
                owner._perKey.Decrement(address);
            }

            Interlocked.Decrement(ref owner._total);
        }
    }
}
