using System.ComponentModel;
using System.Net.WebSockets;
using System.Security.Claims;

namespace Consumers;

/// <summary>
/// A consumer's connect or disconnect as <see cref="IConsumerFilter"/>s see it (SignalR's <c>HubLifetimeContext</c>):
/// the consumer, its user and services; the global filters and the consumer's <see cref="ConsumerFilterAttribute"/>s
/// run around <c>OnConnectAsync</c> and <c>OnDisconnectAsync</c>, in that order.
/// </summary>
public sealed class ConsumerLifetimeContext
{
    private readonly IReadOnlyList<IConsumerFilter> _global;
    private readonly IReadOnlyList<Dispatch.FilterSource> _declared;
    private int _index;

    private ConsumerLifetimeContext(Consumer consumer, WebSocketCloseStatus? closeStatus, CancellationToken cancellationToken, IReadOnlyList<Dispatch.FilterSource> declared)
    {
        Consumer = consumer;
        CloseStatus = closeStatus;
        CancellationToken = cancellationToken;
        _global = consumer.Context.Filters;
        _declared = declared;
    }

    /// <summary>The consumer.</summary>
    public Consumer Consumer { get; }

    /// <summary>The connection's user.</summary>
    public ClaimsPrincipal User => Consumer.Context.User;

    /// <summary>The connection's DI scope.</summary>
    public IServiceProvider Services => Consumer.Context.Services;

    /// <summary>At a disconnect, the close status the client sent (null when the socket dropped); null at a connect.</summary>
    public WebSocketCloseStatus? CloseStatus { get; }

    /// <summary>At a connect, cancelled when the handshake is abandoned or times out; none at a disconnect.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Runs the consumer's <c>OnConnectAsync</c> inside its filters (called by generated code).</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="filters">The consumer's <see cref="ConsumerFilterAttribute"/> filters, or null.</param>
    /// <param name="connect">The call of <c>OnConnectAsync</c>.</param>
    /// <param name="cancellationToken">The handshake's token.</param>
    /// <returns>Whether the connection is accepted.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ValueTask<bool> ConnectAsync(Consumer consumer, Dispatch.FilterSource[]? filters, Func<Consumer, CancellationToken, ValueTask<bool>> connect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(connect);
        if (consumer.Context.Filters.Length == 0 && filters is null)
        {
            return connect(consumer, cancellationToken);
        }

        var context = new ConsumerLifetimeContext(consumer, null, cancellationToken, filters ?? []);
        return context.ConnectNextAsync(connect);
    }

    /// <summary>Runs the consumer's <c>OnDisconnectAsync</c> inside its filters (called by generated code).</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="filters">The consumer's <see cref="ConsumerFilterAttribute"/> filters, or null.</param>
    /// <param name="disconnect">The call of <c>OnDisconnectAsync</c>.</param>
    /// <param name="closeStatus">The client's close status.</param>
    /// <returns>A task that completes when the consumer's method is done.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ValueTask DisconnectAsync(Consumer consumer, Dispatch.FilterSource[]? filters, Func<Consumer, WebSocketCloseStatus?, ValueTask> disconnect, WebSocketCloseStatus? closeStatus)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(disconnect);
        if (consumer.Context.Filters.Length == 0 && filters is null)
        {
            return disconnect(consumer, closeStatus);
        }

        var context = new ConsumerLifetimeContext(consumer, closeStatus, CancellationToken.None, filters ?? []);
        return context.DisconnectNextAsync(disconnect);
    }

    private ValueTask<bool> ConnectNextAsync(Func<Consumer, CancellationToken, ValueTask<bool>> connect)
        => Next() is { } filter
            ? filter.OnConnectAsync(this, context => context.ConnectNextAsync(connect))
            : connect(Consumer, CancellationToken);

    private ValueTask DisconnectNextAsync(Func<Consumer, WebSocketCloseStatus?, ValueTask> disconnect)
        => Next() is { } filter
            ? filter.OnDisconnectAsync(this, context => context.DisconnectNextAsync(disconnect))
            : disconnect(Consumer, CloseStatus);

    private IConsumerFilter? Next()
    {
        var index = _index++;
        if (index < _global.Count)
        {
            return _global[index];
        }

        index -= _global.Count;
        return index < _declared.Count ? _declared[index].Resolve(Services) : null;
    }
}
