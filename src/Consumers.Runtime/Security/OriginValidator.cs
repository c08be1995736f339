using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Consumers.Security;

/// <summary>
/// The handshake's <c>Origin</c> check (Channels' <c>AllowedHostsOriginValidator</c> / <c>OriginValidator</c>):
/// stops a page on another site from opening a socket with the user's cookies (cross-site WebSocket hijacking).
/// One per application, built when the first consumer endpoint is mapped.
/// </summary>
/// <remarks>
/// Three modes, first match wins:
/// <list type="number">
/// <item><see cref="ConsumerOptions.AllowedOrigins"/> is set: the origin must be listed (<c>*</c>: any).</item>
/// <item>ASP.NET Core's <c>AllowedHosts</c> names hosts (as Channels uses Django's <c>ALLOWED_HOSTS</c>): the origin's
/// host must match one of them (<c>*.example.com</c> for subdomains, ports ignored, as host filtering does) and its
/// scheme must be the request's.</item>
/// <item><c>AllowedHosts</c> is <c>*</c> or absent: the origin's scheme, host and port must be the request's own.
/// That trusts the <c>Host</c> header, which a DNS-rebinding page controls, so a warning is logged at start-up.</item>
/// </list>
/// </remarks>
internal sealed class OriginValidator
{
    private readonly HashSet<string> _allowed;
    private readonly bool _any;
    private readonly StringSegment[] _hosts;

    public OriginValidator(IReadOnlyCollection<string> allowedOrigins, IReadOnlyCollection<string> allowedHosts, ILogger logger)
    {
        _allowed = new HashSet<string>(allowedOrigins.Select(Normalize), StringComparer.OrdinalIgnoreCase);
        _any = _allowed.Contains("*");
        var hosts = allowedHosts.Select(h => h.Trim()).Where(h => h.Length > 0).ToArray();
        _hosts = hosts.Contains("*") ? [] : [.. hosts.Select(h => new StringSegment(h))];
        if (_allowed.Count == 0 && _hosts.Length == 0)
        {
            SecurityLog.OriginCheckTrustsHostHeader(logger);
        }
    }

    /// <summary>
    /// Builds the application's validator from <see cref="ConsumerOptions.AllowedOrigins"/> and the hosts of
    /// ASP.NET Core's host filtering (<see cref="HostFilteringOptions.AllowedHosts"/>, else the <c>AllowedHosts</c>
    /// configuration key, semicolon-separated, which <c>WebApplication.CreateBuilder</c> reads into them).
    /// </summary>
    public static OriginValidator Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ConsumerOptions>>().Value;
        IReadOnlyCollection<string> hosts = services.GetService<IOptions<HostFilteringOptions>>()?.Value.AllowedHosts is { Count: > 0 } filtering
            ? [.. filtering]
            : services.GetService<IConfiguration>()?["AllowedHosts"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Consumers.Security");
        return new OriginValidator([.. options.AllowedOrigins], hosts, logger);
    }

    /// <summary>
    /// Whether the request may open a socket. A request without <c>Origin</c> is allowed: browsers always send it
    /// on WebSocket handshakes, so its absence means a non-browser client, which could forge any value anyway
    /// (ASP.NET Core's <c>WebSocketOptions.AllowedOrigins</c> does the same).
    /// </summary>
    public bool IsAllowed(HttpRequest request, out string? origin)
    {
        origin = request.Headers[HeaderNames.Origin];
        if (string.IsNullOrEmpty(origin) || _any)
        {
            return true;
        }

        if (_allowed.Count > 0)
        {
            return _allowed.Contains(Normalize(origin));
        }

        // "null" (sandboxed frames, file: pages), anything unparsable and a page of the other scheme are foreign.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ||
            !string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (_hosts.Length > 0)
        {
            return HostString.MatchesAny(new StringSegment(uri.Host), _hosts);
        }

        var host = request.Host;
        if (!host.HasValue || !string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // A Host without a port (behind a proxy, or on 80/443) matches an origin on its scheme's default port.
        return host.Port is { } port ? uri.Port == port : uri.IsDefaultPort;
    }

    private static string Normalize(string origin) => origin.Trim().TrimEnd('/');
}
