using System.ComponentModel;
using System.Net.WebSockets;
using System.Text.Json;

namespace Consumers.Dispatch;

/// <summary>
/// The runtime's entry points into one consumer type: its lifecycle methods, the dispatch of its actions, its
/// <see cref="ReceiveAttribute"/> handler, its observer notification handlers and its <see cref="GroupEventAttribute"/>
/// handlers. The Consumers source generator writes one sealed subclass per consumer, nested in it (so it reaches the
/// consumer's private and protected members), and hands one instance to the runtime through
/// <see cref="IConsumerFactory{TConsumer}.Hooks"/>; the consumer's registration holds it. None of this is part of
/// <see cref="Consumer"/>'s API.
/// </summary>
/// <remarks>
/// Each call is one virtual call on this object, then the generated code (a cast of the consumer to its type and a
/// direct call), as the virtual methods of <see cref="Consumer"/> that these replace were: no reflection, no allocation.
/// Every method takes the consumer it was created for; another consumer type throws <see cref="InvalidCastException"/>.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ConsumerHooks
{
    /// <summary>Calls the consumer's <c>OnConnectAsync</c>, before the WebSocket is accepted.</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away during the handshake.</param>
    /// <returns><see langword="false"/> when the consumer refuses the connection.</returns>
    public abstract ValueTask<bool> ConnectAsync(Consumer consumer, CancellationToken cancellationToken);

    /// <summary>Calls the consumer's <c>OnDisconnectAsync</c>, once, when the connection ends.</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="closeStatus">The close status the client sent, or <see langword="null"/>.</param>
    /// <returns>A task that completes when the consumer's method is done.</returns>
    public abstract ValueTask DisconnectAsync(Consumer consumer, WebSocketCloseStatus? closeStatus);

    /// <summary>
    /// Routes one request to the action it names: a <c>switch</c> on the action name with one strongly typed call per
    /// action; a name the consumer lacks is answered with 405.
    /// </summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="invocation">The request being handled; valid until the returned task completes.</param>
    /// <returns>A task that completes when the reply has been queued.</returns>
    public abstract ValueTask DispatchAsync(Consumer consumer, ActionInvocation invocation);

    /// <summary>
    /// Hands one plain JSON message to the consumer's <see cref="ReceiveAttribute"/> handler (Channels'
    /// <c>receive_json</c>); called instead of <see cref="DispatchAsync"/> for consumers whose factory says
    /// <see cref="IConsumerFactory{TConsumer}.ReceivesPlainJson"/>. The default ignores the message.
    /// </summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="invocation">The message being handled; valid until the returned task completes.</param>
    /// <returns>A task that completes when the handler is done.</returns>
    public virtual ValueTask ReceiveAsync(Consumer consumer, MessageInvocation invocation) => ValueTask.CompletedTask;

    /// <summary>
    /// Whether the consumer type handles the notifications of an observer itself (DCRF's <c>model_observer</c> handler:
    /// an observer declared with <c>Handler = nameof(...)</c>). The default handles none.
    /// </summary>
    /// <param name="observerId">The observer id, <c>Consumer.Method</c>.</param>
    /// <returns>Whether <see cref="HandleNotificationAsync"/> takes this observer's notifications.</returns>
    public virtual bool HandlesNotifications(string observerId) => false;

    /// <summary>
    /// Handles one notification of an observer that has a handler: deserializes the change and calls the typed handler.
    /// Runs in order with the connection's messages.
    /// </summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="observerId">The observer id.</param>
    /// <param name="data">The serialized instance (UTF-8 JSON).</param>
    /// <param name="action">What happened.</param>
    /// <param name="requestIds">The request ids subscribed to the change's group on this consumer.</param>
    /// <returns>A task that completes when the handler is done.</returns>
    public virtual ValueTask HandleNotificationAsync(Consumer consumer, string observerId, ReadOnlyMemory<byte> data, ModelAction action, IReadOnlyList<JsonElement> requestIds)
        => ValueTask.CompletedTask;

    /// <summary>
    /// Checks the DataAnnotations of a DTO with the validator generated for its type, as an action's DTO argument is
    /// checked (for values built after binding, such as a <c>ModelConsumer</c>'s patched object). The default knows no type.
    /// </summary>
    /// <param name="value">The object.</param>
    /// <param name="services">The connection's DI scope.</param>
    /// <param name="errors">The errors (DRF's shape, under wire names), or null when the object is valid.</param>
    /// <returns>False when the consumer has no validator for the object's type (none of its actions binds it, or it has no rules).</returns>
    public virtual bool TryValidate(object value, IServiceProvider services, out ActionErrors? errors)
    {
        errors = null;
        return false;
    }

    /// <summary>Whether the consumer type has a <see cref="GroupEventAttribute"/> handler for an event type. The default has none.</summary>
    /// <param name="eventType">The .NET full name of the event's type (the <c>Consumers-Event</c> header).</param>
    /// <returns>Whether <see cref="HandleGroupEventAsync"/> takes events of this type.</returns>
    public virtual bool HandlesGroupEvent(string eventType) => false;

    /// <summary>
    /// Deserializes a group event with the consumer's JSON context and calls its <see cref="GroupEventAttribute"/>
    /// handler. Runs in order with the connection's messages.
    /// </summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="eventType">The .NET full name of the event's type.</param>
    /// <param name="payload">The event as UTF-8 JSON.</param>
    /// <returns>A task that completes when the handler is done.</returns>
    public virtual ValueTask HandleGroupEventAsync(Consumer consumer, string eventType, ReadOnlyMemory<byte> payload) => ValueTask.CompletedTask;
}
