using Microsoft.Extensions.Logging;

namespace Consumers.Security;

/// <summary>Log events of handshake checks, limits and authorization. EventIds 100-199 are fixed: never renumber them.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(100, LogLevel.Information, "Handshake from origin {Origin} refused with 403: not an allowed origin.", EventName = "OriginRefused")]
    public static partial void OriginRefused(ILogger logger, string? origin);

    [LoggerMessage(101, LogLevel.Debug, "Handshake refused with {Status} by the authorization policy of {Consumer}.", EventName = "HandshakeUnauthorized")]
    public static partial void HandshakeUnauthorized(ILogger logger, int status, string consumer);

    [LoggerMessage(102, LogLevel.Debug, "Handshake refused with 403 by a permission of {Consumer} (CanConnectAsync).", EventName = "HandshakePermissionDenied")]
    public static partial void HandshakePermissionDenied(ILogger logger, string consumer);

    [LoggerMessage(103, LogLevel.Warning, "Handshake refused with {Status}: connection limit reached ({Open} open on this node).", EventName = "ConnectionLimitReached")]
    public static partial void ConnectionLimitReached(ILogger logger, int status, int open);

    [LoggerMessage(104, LogLevel.Warning, "Handshake did not complete within {Timeout}; answered 503.", EventName = "HandshakeTimedOut")]
    public static partial void HandshakeTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(105, LogLevel.Debug, "Action {Action} denied with {Status}.", EventName = "ActionDenied")]
    public static partial void ActionDenied(ILogger logger, string action, int status);

    [LoggerMessage(106, LogLevel.Debug, "Message throttled (rate limit {Rate}/s, burst {Burst}).", EventName = "MessageThrottled")]
    public static partial void MessageThrottled(ILogger logger, double rate, int burst);

    [LoggerMessage(107, LogLevel.Warning, "More than {Threshold} throttled messages within 10 s; closing the connection with 1008.", EventName = "RateLimitAbuse")]
    public static partial void RateLimitAbuse(ILogger logger, int threshold);

    [LoggerMessage(108, LogLevel.Information, "No message for {Timeout}; closing the idle connection.", EventName = "IdleTimeout")]
    public static partial void IdleTimeout(ILogger logger, TimeSpan timeout);

    [LoggerMessage(109, LogLevel.Information, "A message was not finished within {Timeout} of its first part; closing the connection with 1008.", EventName = "MessageNotFinished")]
    public static partial void MessageNotFinished(ILogger logger, TimeSpan timeout);

    [LoggerMessage(110, LogLevel.Warning, "The WebSocket origin check allows pages of the application's own origin (the request's scheme, host and port), and trusts the Host header to say which host that is: a DNS-rebinding page sends a matching Origin and Host. Set AllowedHosts (ASP.NET Core host filtering) to the site's host names.", EventName = "OriginCheckTrustsHostHeader")]
    public static partial void OriginCheckTrustsHostHeader(ILogger logger);

    [LoggerMessage(111, LogLevel.Information, "Handshake refused with 400: {Reason}", EventName = "InvalidGroupValue")]
    public static partial void InvalidGroupValue(ILogger logger, string reason);
}
