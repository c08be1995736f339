using System.Diagnostics.Metrics;

namespace Consumers.Nats;

/// <summary>
/// The layer's counters, on the runtime's <see cref="Meter"/> name <c>Consumers</c>, so one
/// <c>dotnet-counters monitor --counters Consumers</c> or <c>AddMeter("Consumers")</c> shows them with the runtime's.
/// </summary>
internal static class NatsGroupLayerMetrics
{
    private static readonly Meter s_meter = new("Consumers");

    /// <summary><c>consumers.groups.messages_sent</c>: group sends made on this node.</summary>
    public static readonly Counter<long> GroupMessagesSent = s_meter.CreateCounter<long>("consumers.groups.messages_sent", "{message}");

    /// <summary>
    /// <c>consumers.nats.publish_failed</c>: group or channel messages that other nodes will not get, by <c>reason</c>:
    /// <c>outbox_full</c> (refused, the sender was told), <c>expired</c> (waited longer than <c>PublishTimeout</c>),
    /// <c>stopped</c> (still waiting when the layer stopped), <c>error</c> (refused by the client, e.g. oversize).
    /// </summary>
    public static readonly Counter<long> PublishFailed = s_meter.CreateCounter<long>("consumers.nats.publish_failed", "{message}");

    /// <summary><c>consumers.nats.held</c>: group or channel messages that waited in the outbox for NATS to come back.</summary>
    public static readonly Counter<long> Held = s_meter.CreateCounter<long>("consumers.nats.held", "{message}");

    /// <summary><c>consumers.nats.paced</c>: backlog messages (replayed, or held through an outage) whose delivery waited for a receiving client to have room.</summary>
    public static readonly Counter<long> Paced = s_meter.CreateCounter<long>("consumers.nats.paced", "{message}");

    /// <summary><c>consumers.nats.replayed</c>: messages delivered from the JetStream stream after a reconnect (not duplicates).</summary>
    public static readonly Counter<long> Replayed = s_meter.CreateCounter<long>("consumers.nats.replayed", "{message}");
}
