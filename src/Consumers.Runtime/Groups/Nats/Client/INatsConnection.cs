namespace Consumers.Groups.Nats.Client;

/// <summary>
/// The seam between the group layer and the NATS transport, kept small so that this built-in client can be
/// replaced by NATS.Client.Core without touching the group layer.
/// </summary>
internal interface INatsConnection : IAsyncDisposable
{
    NatsConnectionState State { get; }

    /// <summary>Raised once, when <c>ConnectAsync</c> succeeds.</summary>
    event EventHandler? Connected;

    /// <summary>Raised after a reconnect, once every live subscription is re-established on the server (PONG barrier).</summary>
    event EventHandler? Reconnected;

    /// <summary>Raised when the socket is lost; the client is reconnecting and buffering publishes.</summary>
    event EventHandler? Disconnected;

    /// <summary>Publishes without waiting for the server. Errors: see <see cref="NatsConnection.PublishAsync"/>.</summary>
    ValueTask PublishAsync(string subject, ReadOnlyMemory<byte> payload, NatsHeaders? headers = null, string? replyTo = null, CancellationToken cancellationToken = default);

    /// <summary>Subscribes and delivers messages through <see cref="INatsSubscription.Messages"/>.</summary>
    ValueTask<INatsSubscription> SubscribeAsync(string subject, string? queueGroup = null, CancellationToken cancellationToken = default);

    /// <summary>Subscribes and calls <paramref name="handler"/> on the read loop (it must be quick and must not block).</summary>
    ValueTask<INatsSubscription> SubscribeAsync(string subject, string? queueGroup, Action<NatsMsg> handler, CancellationToken cancellationToken = default);

    /// <summary>Completes when the server has processed every command written before the call (PING/PONG barrier).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
