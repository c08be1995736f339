using Microsoft.Extensions.Logging;

namespace Consumers.Groups.Nats;

/// <summary>Log events of the NATS group layer. EventIds 300-399 are fixed: never renumber them.</summary>
internal static partial class NatsGroupLayerLog
{
    [LoggerMessage(300, LogLevel.Information, "NATS group layer connected to {Urls} as node {NodeId}.", EventName = "NatsGroupLayerStarted")]
    public static partial void Started(ILogger logger, string urls, string nodeId);

    [LoggerMessage(301, LogLevel.Error, "Publishing a message for group {Group} to NATS failed; members on this node got it, other nodes did not.", EventName = "NatsPublishFailed")]
    public static partial void PublishFailed(ILogger logger, string group, Exception exception);

    [LoggerMessage(302, LogLevel.Warning, "Lost the NATS connection; group messages are buffered until it is back.", EventName = "NatsDisconnected")]
    public static partial void Disconnected(ILogger logger);

    [LoggerMessage(303, LogLevel.Information, "Reconnected to NATS; group subscriptions restored.", EventName = "NatsReconnected")]
    public static partial void Reconnected(ILogger logger);

    [LoggerMessage(304, LogLevel.Error, "Changing the NATS subscription of group {Group} failed.", EventName = "NatsSubscriptionFailed")]
    public static partial void SubscriptionFailed(ILogger logger, string group, Exception exception);
}
