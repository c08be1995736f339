using System.Diagnostics.Metrics;

namespace Consumers.Diagnostics;

/// <summary>
/// The runtime's counters, on the <see cref="Meter"/> named <c>Consumers</c> (read them with
/// <c>dotnet-counters monitor --counters Consumers</c> or any OpenTelemetry metrics exporter).
/// </summary>
internal static class ConsumerMetrics
{
    public const string MeterName = "Consumers";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary><c>consumers.connections.opened</c>: sockets accepted.</summary>
    public static readonly Counter<long> ConnectionsOpened = s_meter.CreateCounter<long>("consumers.connections.opened", "{connection}");

    /// <summary><c>consumers.connections.closed</c>: connections that ended, for any reason.</summary>
    public static readonly Counter<long> ConnectionsClosed = s_meter.CreateCounter<long>("consumers.connections.closed", "{connection}");

    /// <summary><c>consumers.connections.send_queue_full</c>: clients closed with 1008 because they stopped reading.</summary>
    public static readonly Counter<long> SendQueueFull = s_meter.CreateCounter<long>("consumers.connections.send_queue_full", "{connection}");

    /// <summary><c>consumers.messages.received</c>: complete messages read from clients.</summary>
    public static readonly Counter<long> MessagesReceived = s_meter.CreateCounter<long>("consumers.messages.received", "{message}");

    /// <summary><c>consumers.actions.failed</c>: actions that threw an unhandled exception (answered with 500).</summary>
    public static readonly Counter<long> ActionsFailed = s_meter.CreateCounter<long>("consumers.actions.failed", "{request}");

    /// <summary><c>consumers.observers.failed</c>: changes an observer could not publish (its serializer, group values or the group layer threw); logged as ObserverFailed.</summary>
    public static readonly Counter<long> ObserversFailed = s_meter.CreateCounter<long>("consumers.observers.failed", "{change}");

    /// <summary><c>consumers.connections.work_queue_full</c>: consumers closed with 1008 because their notification handler or permission checks could not keep up.</summary>
    public static readonly Counter<long> WorkQueueFull = s_meter.CreateCounter<long>("consumers.connections.work_queue_full", "{connection}");

    /// <summary><c>consumers.connections.refused</c>: handshakes refused by an origin, authorization, permission or limit check.</summary>
    public static readonly Counter<long> ConnectionsRefused = s_meter.CreateCounter<long>("consumers.connections.refused", "{connection}");

    /// <summary><c>consumers.messages.throttled</c>: messages answered with 429 by the per-connection rate limit.</summary>
    public static readonly Counter<long> MessagesThrottled = s_meter.CreateCounter<long>("consumers.messages.throttled", "{message}");

    /// <summary><c>consumers.actions.denied</c>: requests answered with 401 or 403 by [Authorize] or a permission.</summary>
    public static readonly Counter<long> ActionsDenied = s_meter.CreateCounter<long>("consumers.actions.denied", "{request}");

    /// <summary>
    /// <c>consumers.action.duration</c> (seconds): from a request's dispatch to its last reply (a concurrent action's or a
    /// stream's end included), tagged <c>rpc.system</c>, <c>rpc.service</c> (the consumer), <c>rpc.method</c> (the action;
    /// <c>_OTHER</c> for names the consumer does not have) and <c>consumers.response_status</c>. Buckets as ASP.NET Core's
    /// <c>http.server.request.duration</c>.
    /// </summary>
    public static readonly Histogram<double> ActionDuration = s_meter.CreateHistogram(
        "consumers.action.duration",
        "s",
        "Duration of the actions handled by consumers.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] });

    /// <summary>
    /// <c>consumers.connection.duration</c> (seconds): from a connection's start to the end of its disconnect hooks. Buckets
    /// as SignalR's <c>signalr.server.connection.duration</c>.
    /// </summary>
    public static readonly Histogram<double> ConnectionDuration = s_meter.CreateHistogram(
        "consumers.connection.duration",
        "s",
        "Duration of the WebSocket connections handled by consumers.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300] });

    /// <summary><c>consumers.connections.active</c>: connections open now (an up-down counter: +1 when one starts, -1 when it has ended).</summary>
    public static readonly UpDownCounter<long> ActiveConnections = s_meter.CreateUpDownCounter<long>("consumers.connections.active", "{connection}", "Connections open now.");
}
