using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Consumers.Security;

/// <summary>
/// The handshake's <c>Origin</c> check (Channels' <c>AllowedHostsOriginValidator</c> / <c>OriginValidator</c>):
/// stops a page on another site from opening a socket with the user's cookies (cross-site WebSocket hijacking).
/// </summary>
internal sealed class OriginValidator
{
    private readonly HashSet<string> _allowed;
    private readonly bool _any;

    public OriginValidator(IReadOnlyCollection<string> allowedOrigins)
    {
        _allowed = new HashSet<string>(allowedOrigins.Select(Normalize), StringComparer.OrdinalIgnoreCase);
        _any = _allowed.Contains("*");
    }

    /// <summary>
    /// Whether the request may open a socket. A request without <c>Origin</c> is allowed: browsers always send it
    /// on WebSocket handshakes, so its absence means a non-browser client, which could forge any value anyway
    /// (ASP.NET Core's <c>WebSocketOptions.AllowedOrigins</c> does the same). With no configured origins, the
    /// origin's host and port must be the request's own <c>Host</c>; otherwise it must be listed (or <c>*</c>).
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

        // "null" (sandboxed frames, file: pages) and anything unparsable are foreign.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return false;
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
