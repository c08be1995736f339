using Microsoft.Extensions.Logging;

namespace Consumers.Nats;

internal static partial class NatsGroupLayerLog
{
    [LoggerMessage(300, LogLevel.Information, "NATS group layer connected to {Urls} as node {NodeId}.", EventName = "NatsConnected")]
    public static partial void Started(ILogger logger, string urls, string nodeId);

    [LoggerMessage(301, LogLevel.Error, "Publishing a message for {Target} to NATS failed; members on this node got it, other nodes did not.", EventName = "NatsPublishFailed")]
    public static partial void PublishFailed(ILogger logger, string target, Exception exception);

    [LoggerMessage(302, LogLevel.Warning, "Lost the NATS connection; group messages for other nodes wait in the outbox (up to {Bytes} bytes, {Seconds} s each) until it is back; members on this node still get them at once.", EventName = "NatsDisconnected")]
    public static partial void Disconnected(ILogger logger, int bytes, double seconds);

    [LoggerMessage(303, LogLevel.Information, "Reconnected to NATS; group subscriptions restored.", EventName = "NatsReconnected")]
    public static partial void Reconnected(ILogger logger);

    [LoggerMessage(304, LogLevel.Error, "Changing the NATS subscription of group {Group} failed.", EventName = "NatsSubscriptionFailed")]
    public static partial void SubscriptionFailed(ILogger logger, string group, Exception exception);

    [LoggerMessage(305, LogLevel.Information, "JetStream stream {Stream} keeps group messages for {Seconds} s: a node that loses NATS for less than that replays what it missed.", EventName = "NatsReplayEnabled")]
    public static partial void ReplayEnabled(ILogger logger, string stream, double seconds);

    [LoggerMessage(306, LogLevel.Warning, "Group messages are not kept in JetStream ({Reason}); the NATS group layer uses core NATS only: group messages sent while a node is disconnected from NATS are lost (at-most-once delivery across outages). Run nats-server with -js to keep them.", EventName = "NatsReplayUnavailable")]
    public static partial void ReplayUnavailable(ILogger logger, string reason);

    [LoggerMessage(307, LogLevel.Information, "Replayed {Count} group messages missed during the NATS outage ({Skipped} already delivered).", EventName = "NatsReplayed")]
    public static partial void Replayed(ILogger logger, int count, int skipped);

    [LoggerMessage(309, LogLevel.Information, "NATS server {Server} entered lame-duck mode; moving to another server.", EventName = "NatsLameDuck")]
    public static partial void LameDuck(ILogger logger, string server);

    [LoggerMessage(310, LogLevel.Warning, "Moving off a lame-duck NATS server failed; the client reconnects when the server closes the connection.", EventName = "NatsLameDuckMoveFailed")]
    public static partial void LameDuckMoveFailed(ILogger logger, Exception exception);

    [LoggerMessage(311, LogLevel.Error, "Delivering a message from NATS subject {Subject} to this node's members failed.", EventName = "NatsDeliveryFailed")]
    public static partial void DeliveryFailed(ILogger logger, string subject, Exception exception);

    [LoggerMessage(312, LogLevel.Error, "The NATS group layer stopped with {Count} messages ({Bytes} bytes) still waiting for NATS; other nodes do not get them.", EventName = "NatsStoppedWithOutbox")]
    public static partial void StoppedWithOutbox(ILogger logger, int count, long bytes);

    [LoggerMessage(313, LogLevel.Information, "JetStream cannot replay yet after the NATS outage ({Reason}); asking again (a cluster elects the stream's new leader after a server is lost).", EventName = "NatsReplayRetrying")]
    public static partial void ReplayRetrying(ILogger logger, string reason);

    [LoggerMessage(308, LogLevel.Error, "Replaying group messages after the NATS outage failed; messages sent during it may be missing on this node.", EventName = "NatsReplayFailed")]
    public static partial void ReplayFailed(ILogger logger, Exception exception);
}
