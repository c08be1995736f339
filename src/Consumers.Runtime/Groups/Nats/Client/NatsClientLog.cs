using Microsoft.Extensions.Logging;

namespace Consumers.Groups.Nats.Client;

/// <summary>Log events of the NATS client. EventIds 1000-1099 are fixed: never renumber them.</summary>
internal static partial class NatsClientLog
{
    [LoggerMessage(1000, LogLevel.Information, "Connected to NATS server {Server} (server_id {ServerId}, version {Version}, max_payload {MaxPayload}).", EventName = "NatsConnected")]
    public static partial void Connected(ILogger logger, NatsServerAddress server, string serverId, string version, long maxPayload);

    [LoggerMessage(1001, LogLevel.Debug, "Connecting to NATS server {Server} failed.", EventName = "NatsConnectAttemptFailed")]
    public static partial void ConnectAttemptFailed(ILogger logger, NatsServerAddress server, Exception exception);

    [LoggerMessage(1002, LogLevel.Warning, "Disconnected from NATS server {Server}; reconnecting and buffering publishes.", EventName = "NatsDisconnected")]
    public static partial void Disconnected(ILogger logger, NatsServerAddress server, Exception reason);

    [LoggerMessage(1003, LogLevel.Information, "Reconnected to NATS server {Server}; {Subscriptions} subscriptions re-established.", EventName = "NatsReconnected")]
    public static partial void Reconnected(ILogger logger, NatsServerAddress server, int subscriptions);

    [LoggerMessage(1004, LogLevel.Warning, "NATS server {Server} sent -ERR '{Error}' (closes the connection: {Closes}).", EventName = "NatsServerError")]
    public static partial void ServerError(ILogger logger, NatsServerAddress server, string error, bool closes);

    [LoggerMessage(1005, LogLevel.Error, "NATS protocol violation from {Server}; dropping the connection.", EventName = "NatsProtocolViolation")]
    public static partial void ProtocolViolation(ILogger logger, NatsServerAddress server, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "NATS server {Server} left {PingsOut} PINGs unanswered; treating the connection as dead.", EventName = "NatsStaleConnection")]
    public static partial void StaleConnection(ILogger logger, NatsServerAddress server, int pingsOut);

    [LoggerMessage(1007, LogLevel.Warning, "Publish to {Subject} refused: disconnected and the reconnect buffer ({Limit} bytes) is full.", EventName = "NatsPublishRefused")]
    public static partial void PublishRefused(ILogger logger, string subject, long limit);

    [LoggerMessage(1008, LogLevel.Information, "NATS server {Server} entered lame-duck mode; moving to another server.", EventName = "NatsLameDuckMode")]
    public static partial void LameDuckMode(ILogger logger, NatsServerAddress server);

    [LoggerMessage(1009, LogLevel.Debug, "Learned {Count} new NATS servers from INFO connect_urls.", EventName = "NatsServersDiscovered")]
    public static partial void ServersDiscovered(ILogger logger, int count);

    [LoggerMessage(1010, LogLevel.Warning, "Subscription {Sid} on {Subject} is not keeping up; dropping messages (first drop logged only).", EventName = "NatsSlowConsumer")]
    public static partial void SlowConsumer(ILogger logger, long sid, string subject);

    [LoggerMessage(1011, LogLevel.Error, "Message handler of subscription {Sid} on {Subject} threw.", EventName = "NatsHandlerFailed")]
    public static partial void HandlerFailed(ILogger logger, long sid, string subject, Exception exception);

    [LoggerMessage(1012, LogLevel.Error, "Gave up reconnecting to NATS after {Passes} passes over the server pool; the connection is closed.", EventName = "NatsReconnectGaveUp")]
    public static partial void ReconnectGaveUp(ILogger logger, int passes);

    [LoggerMessage(1013, LogLevel.Warning, "Draining the NATS connection on close failed; unsent publishes may be lost.", EventName = "NatsDrainFailed")]
    public static partial void DrainFailed(ILogger logger, Exception exception);

    [LoggerMessage(1014, LogLevel.Error, "A {Event} event handler of the NATS connection threw.", EventName = "NatsEventHandlerFailed")]
    public static partial void EventHandlerFailed(ILogger logger, string @event, Exception exception);
}
