using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Consumers.Security;

/// <summary>
/// The handshake's <c>Origin</c> check: stops a page of another origin from opening a socket with the user's cookies
/// (cross-site WebSocket hijacking). An origin is what browsers make of it (RFC 6454): scheme, host and port, all three.
/// One per application, built when the first consumer endpoint is mapped.
/// </summary>
/// <remarks>
/// A page may open a socket when its origin is
/// <list type="bullet">
/// <item>the application's own: the request's scheme, and the host and port of its <c>Host</c> header; or</item>
/// <item>listed in <see cref="ConsumerOptions.AllowedOrigins"/> (<c>*</c>: any origin).</item>
/// </list>
/// ASP.NET Core's <c>AllowedHosts</c> names no origin: a host alone is not enough, since browsers send
/// <c>SameSite=Strict</c> cookies to every port of a host, so a page served on another port of an allowed host
/// would act as the signed-in user (Channels' <c>AllowedHostsOriginValidator</c> compares hosts only). What host
/// filtering does give is a <c>Host</c> header the application answers to; without it (<c>AllowedHosts</c> is
/// <c>*</c> or absent) the own-origin rule trusts the <c>Host</c> header, which a DNS-rebinding page sends to match,
/// and a warning is logged at start-up.
/// </remarks>
internal sealed class OriginValidator
{
    private readonly HashSet<string> _allowed;
    private readonly bool _any;

    public OriginValidator(IReadOnlyCollection<string> allowedOrigins, IReadOnlyCollection<string> allowedHosts, ILogger logger)
    {
        _allowed = new HashSet<string>(allowedOrigins.Select(Normalize), StringComparer.OrdinalIgnoreCase);
        _any = _allowed.Contains("*");
        var hostsFiltered = allowedHosts.Select(h => h.Trim()).Any(h => h.Length > 0) && !allowedHosts.Any(h => h.Trim() == "*");
        if (!_any && !hostsFiltered)
        {
            SecurityLog.OriginCheckTrustsHostHeader(logger);
        }
    }

    /// <summary>
    /// Builds the application's validator from <see cref="ConsumerOptions.AllowedOrigins"/>; the hosts of ASP.NET
    /// Core's host filtering (<see cref="HostFilteringOptions.AllowedHosts"/>, else the <c>AllowedHosts</c>
    /// configuration key, semicolon-separated, which <c>WebApplication.CreateBuilder</c> reads into them) only decide
    /// whether the start-up warning about the <c>Host</c> header is due.
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
        if (string.IsNullOrEmpty(origin) || _any || (_allowed.Count > 0 && _allowed.Contains(Normalize(origin))))
        {
            return true;
        }

        return IsOwnOrigin(origin, request);
    }

    /// <summary>
    /// Whether <paramref name="origin"/> is the request's own origin: its scheme is the request's, its host the
    /// <c>Host</c> header's host and its port the <c>Host</c> header's port (the scheme's default port when the header
    /// names none, as behind a proxy or on 80/443). <c>null</c> (sandboxed frames, <c>file:</c> pages), anything
    /// unparsable and any other scheme than http(s) are foreign.
    /// </summary>
    internal static bool IsOwnOrigin(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ||
            !string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase) ||
            uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            return false;
        }

        var host = request.Host;
        if (!host.HasValue || !string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return host.Port is { } port ? uri.Port == port : uri.IsDefaultPort;
    }

    private static string Normalize(string origin) => origin.Trim().TrimEnd('/');
}
