namespace Consumers.Groups.Nats.Client;

/// <summary>Lifecycle of <see cref="NatsConnection"/>.</summary>
internal enum NatsConnectionState
{
    /// <summary>Created, <see cref="NatsConnection.ConnectAsync"/> not called (or it failed).</summary>
    Disconnected,
    Connecting,
    Connected,

    /// <summary>The socket was lost; publishes are buffered up to the reconnect buffer.</summary>
    Reconnecting,

    /// <summary>Disposed or out of reconnect attempts: every operation fails.</summary>
    Closed,
}
