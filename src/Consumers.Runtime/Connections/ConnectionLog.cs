using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Consumers.Connections;

/// <summary>Log events of consumer connections. EventIds 1-99 are fixed: never renumber them.</summary>
internal static partial class ConnectionLog
{
    [LoggerMessage(1, LogLevel.Debug, "WebSocket accepted on {Path}.", EventName = "ConnectionAccepted")]
    public static partial void ConnectionAccepted(ILogger logger, string path);

    [LoggerMessage(2, LogLevel.Debug, "Connection refused by {Consumer}.OnConnectAsync; answered the handshake with 403.", EventName = "ConnectionRefused")]
    public static partial void ConnectionRefused(ILogger logger, string consumer);

    [LoggerMessage(3, LogLevel.Debug, "Connection closed (client close status: {CloseStatus}).", EventName = "ConnectionClosed")]
    public static partial void ConnectionClosed(ILogger logger, WebSocketCloseStatus? closeStatus);

    [LoggerMessage(5, LogLevel.Warning, "Send queue full ({Capacity} frames or {MaxBytes} bytes): the client stopped reading; closing it with 1008.", EventName = "SendQueueFull")]
    public static partial void SendQueueFull(ILogger logger, int capacity, int maxBytes);

    [LoggerMessage(6, LogLevel.Information, "Message larger than {Limit} bytes; closing with 1009.", EventName = "MessageTooBig")]
    public static partial void MessageTooBig(ILogger logger, int limit);

    [LoggerMessage(7, LogLevel.Error, "{Consumer}.OnDisconnectAsync threw.", EventName = "DisconnectHandlerFailed")]
    public static partial void DisconnectHandlerFailed(ILogger logger, string consumer, Exception exception);

    [LoggerMessage(8, LogLevel.Error, "Creating or connecting {Consumer} failed; answered the handshake with 500.", EventName = "ConnectFailed")]
    public static partial void ConnectFailed(ILogger logger, string consumer, Exception exception);

    [LoggerMessage(9, LogLevel.Debug, "Bad frame answered with {Status}: {Error}", EventName = "BadFrame")]
    public static partial void BadFrame(ILogger logger, int status, string error);

    [LoggerMessage(10, LogLevel.Debug, "Sending to the client failed; aborting the connection.", EventName = "SendFailed")]
    public static partial void SendFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Debug, "Non-WebSocket request to a consumer endpoint answered with 400.", EventName = "NotAWebSocketRequest")]
    public static partial void NotAWebSocketRequest(ILogger logger);

    [LoggerMessage(12, LogLevel.Critical, "Dispatching a message failed inside the runtime; closing the connection with 1011.", EventName = "DispatchFailed")]
    public static partial void DispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(13, LogLevel.Error, "{Consumer} could not leave its groups on disconnect.", EventName = "LeaveGroupsFailed")]
    public static partial void LeaveGroupsFailed(ILogger logger, string consumer, Exception exception);

    [LoggerMessage(14, LogLevel.Error, "A consumer's observer handler threw; the connection goes on.", EventName = "WorkFailed")]
    public static partial void WorkFailed(ILogger logger, Exception exception);

    [LoggerMessage(40, LogLevel.Error, "The [Receive] handler of {Consumer} threw an unhandled exception; answered with an error frame and kept the connection.", EventName = "ReceiveFailed")]
    public static partial void ReceiveFailed(ILogger logger, string consumer, Exception exception);

    [LoggerMessage(20, LogLevel.Warning, "Consumer work queue full ({Capacity} notification handler or permission checks waiting): the consumer cannot keep up; closing it with 1008.", EventName = "WorkQueueFull")]
    public static partial void WorkQueueFull(ILogger logger, int capacity);

    [LoggerMessage(16, LogLevel.Warning, "Concurrent actions or streams still ran {Timeout} after their connection ended (they ignore their CancellationToken); the disconnect hook runs without waiting for them.", EventName = "CallsOutlivedConnection")]
    public static partial void CallsOutlivedConnection(ILogger logger, TimeSpan timeout);
}
