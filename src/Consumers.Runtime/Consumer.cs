using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Consumers.Connections;
using Consumers.Dispatch;
using Consumers.Groups;

namespace Consumers;

/// <summary>
/// Base class of every consumer: one instance per WebSocket connection (per stream on a multiplexed
/// endpoint), created in a DI scope that lives as long as the connection. The counterpart of Django Channels'
/// <c>AsyncJsonWebsocketConsumer</c>.
/// </summary>
/// <remarks>
/// Declare a consumer as a <c>partial</c> class and mark its actions with <see cref="ActionAttribute"/>; the
/// Consumers source generator implements <see cref="IConsumerFactory{TConsumer}"/> and
/// <see cref="DispatchAsync"/> for it. Messages of one connection are handled one at a time, in order.
/// </remarks>
public abstract class Consumer
{
    private ConsumerContext? _context;

    /// <summary>The connection this consumer serves.</summary>
    /// <exception cref="InvalidOperationException">Read inside the constructor, before the runtime attached the connection.</exception>
    public ConsumerContext Context => _context ?? throw new InvalidOperationException(
        "The consumer's Context is attached after construction; use it from OnConnectAsync or an action, not from the constructor.");

    /// <summary>This consumer's channel: what the runtime and the group layer hold for it.</summary>
    internal ConsumerChannel RuntimeChannel => Context.Channel;

    internal void Attach(ConsumerContext context) => _context = context;

    /// <summary>
    /// Called before the WebSocket is accepted. Return <see langword="false"/> to refuse: the handshake is answered
    /// with HTTP 403 and no socket is accepted (Channels: not calling <c>accept()</c> in <c>connect()</c>).
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the client goes away during the handshake.</param>
    /// <returns><see langword="true"/> to accept the connection (the default).</returns>
    protected virtual ValueTask<bool> OnConnectAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    /// <summary>
    /// Called exactly once when the connection ends, whether the client closed it, the socket dropped, the server
    /// closed it or the host is shutting down. <see cref="ConsumerContext.ConnectionAborted"/> is already cancelled.
    /// </summary>
    /// <param name="closeStatus">The close status the client sent, or <see langword="null"/> when the socket dropped without one.</param>
    protected virtual ValueTask OnDisconnectAsync(WebSocketCloseStatus? closeStatus) => ValueTask.CompletedTask;

    /// <summary>
    /// Sends one JSON object to this client outside of a reply (wrapped in <c>{"stream", "payload"}</c> on a
    /// multiplexed endpoint). Never blocks: the frame is queued for the connection's writer.
    /// </summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="message">The message; it must serialize to a JSON object.</param>
    /// <param name="typeInfo">Source-generated metadata for <typeparamref name="T"/>; written with the wire's snake_case property names, as replies are.</param>
    /// <returns><see langword="false"/> when the connection is closed or was closed because its send queue is full.</returns>
    protected bool Send<T>(T message, JsonTypeInfo<T> typeInfo) => RuntimeChannel.Send(message, Dispatch.WireJson.Of(typeInfo));

    /// <summary>The groups this consumer has joined (declared with <see cref="ConsumerGroupsAttribute"/> or joined since).</summary>
    protected IReadOnlyCollection<string> Groups => RuntimeChannel.Groups;

    /// <summary>
    /// Joins a group (Channels' <c>group_add</c>): messages sent to it reach this client until it leaves or
    /// disconnects. Joining twice is harmless.
    /// </summary>
    /// <param name="group">A valid group name (1-100 ASCII letters, digits, <c>-_.:</c>).</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    /// <exception cref="ArgumentException">The group name is invalid, or is a user group (<see cref="GroupName.UserPrefix"/>), which only the runtime joins.</exception>
    protected ValueTask JoinGroupAsync(string group, CancellationToken cancellationToken = default)
    {
        if (group?.StartsWith(GroupName.UserPrefix, StringComparison.Ordinal) == true)
        {
            throw new ArgumentException($"\"{GroupName.UserPrefix}...\" groups belong to authenticated users; send to them with SendToUserAsync.", nameof(group));
        }

        return RuntimeChannel.JoinAsync(group!, cancellationToken);
    }

    /// <summary>Leaves a group (Channels' <c>group_discard</c>). Leaving a group not joined is harmless.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    protected ValueTask LeaveGroupAsync(string group, CancellationToken cancellationToken = default) => RuntimeChannel.LeaveAsync(group, cancellationToken);

    /// <summary>
    /// Serializes <paramref name="message"/> once and sends it to every member of <paramref name="group"/> on every
    /// node (Channels' <c>group_send</c>). Members receive the object as a frame of its own, not as a reply.
    /// </summary>
    /// <typeparam name="T">The message type; it must serialize to a JSON object.</typeparam>
    /// <param name="group">A valid group name.</param>
    /// <param name="message">The message.</param>
    /// <param name="typeInfo">Its source-generated metadata; the message is written with the wire's snake_case property names (<c>WireJson</c>), as replies are, whatever the context's naming policy.</param>
    /// <param name="excludeSelf">Leave this consumer out (Chanx's <c>exclude_current</c>), on every node.</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    /// <exception cref="ArgumentException">The group name is invalid, or the message is not a JSON object.</exception>
    protected ValueTask SendToGroupAsync<T>(string group, T message, JsonTypeInfo<T> typeInfo, bool excludeSelf = false, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        var payload = JsonSerializer.SerializeToUtf8Bytes(message, Dispatch.WireJson.Of(typeInfo));
        GroupMessage.EnsureJsonObject(payload);
        var channel = RuntimeChannel;
        return channel.GroupLayer.SendAsync(group, GroupMessage.Event(payload, typeInfo.Type, excludeSelf ? channel.ChannelName : null), cancellationToken);
    }

    /// <summary>
    /// Serializes <paramref name="message"/> once and sends it to every consumer of every connection of an
    /// authenticated user, on every node (SignalR's <c>Clients.User(id)</c>; Channels leaves this to hand-made groups).
    /// Connections join their user's group (<see cref="GroupName.ForUser"/>) when they open.
    /// </summary>
    /// <typeparam name="T">The message type; it must serialize to a JSON object.</typeparam>
    /// <param name="userId">The user id: the <c>NameIdentifier</c> claim, else a JWT's <c>sub</c>, else the identity's name.</param>
    /// <param name="message">The message.</param>
    /// <param name="typeInfo">Its source-generated metadata; the message is written with the wire's snake_case property names (<c>WireJson</c>), as replies are, whatever the context's naming policy.</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    /// <exception cref="ArgumentException">The user id is empty, or the message is not a JSON object.</exception>
    protected ValueTask SendToUserAsync<T>(string userId, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
        => SendToGroupAsync(GroupName.ForUser(userId), message, typeInfo, excludeSelf: false, cancellationToken);

    /// <summary>Sends <paramref name="message"/> to one consumer by its channel name, on whichever node it is.</summary>
    /// <typeparam name="T">The message type; it must serialize to a JSON object.</typeparam>
    /// <param name="channelName">The receiver's <see cref="ConsumerContext.ChannelName"/>.</param>
    /// <param name="message">The message.</param>
    /// <param name="typeInfo">Its source-generated metadata; the message is written with the wire's snake_case property names (<c>WireJson</c>), as replies are, whatever the context's naming policy.</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    /// <exception cref="ArgumentException">The channel name is empty, or the message is not a JSON object.</exception>
    protected ValueTask SendToChannelAsync<T>(string channelName, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        var payload = JsonSerializer.SerializeToUtf8Bytes(message, Dispatch.WireJson.Of(typeInfo));
        GroupMessage.EnsureJsonObject(payload);
        return RuntimeChannel.GroupLayer.SendToChannelAsync(channelName, GroupMessage.Event(payload, typeInfo.Type), cancellationToken);
    }

    /// <summary>
    /// Subscribes the request to an observer group: each notification to the group is pushed once per subscribing
    /// <c>request_id</c>. Called by the generated <c>SubscribeXAsync</c> methods of <c>[ModelObserver]</c>s.
    /// Subscribing the same request id again is harmless. Inside an action, notifications start after its reply.
    /// </summary>
    /// <param name="group">The observer group.</param>
    /// <param name="request">The subscribing request (its <c>request_id</c> is echoed in every notification).</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    /// <exception cref="ArgumentException">The group name is invalid.</exception>
    protected ValueTask SubscribeObserverAsync(string group, RequestContext request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RuntimeChannel.SubscribeAsync(group, RequestIdBytes(request), cancellationToken);
    }

    /// <summary>
    /// Removes the request's subscription to an observer group (every subscription of the group when
    /// <paramref name="request"/> is null); the group is left when none is left.
    /// </summary>
    /// <param name="group">The observer group.</param>
    /// <param name="request">The subscribing request, or null for all.</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    protected ValueTask UnsubscribeObserverAsync(string group, RequestContext? request, CancellationToken cancellationToken = default)
        => RuntimeChannel.UnsubscribeAsync(group, request is null ? null : RequestIdBytes(request), cancellationToken);

    /// <summary>
    /// Whether the consumer handles the notifications of an observer itself (DCRF's <c>model_observer</c> handler).
    /// Overridden by the generator for observers declared with <c>Handler = nameof(...)</c>.
    /// </summary>
    /// <param name="observerId">The observer id, <c>Consumer.Method</c>.</param>
    /// <returns>Whether <see cref="HandleNotificationAsync"/> takes this observer's notifications.</returns>
    protected virtual bool HandlesNotifications(string observerId) => false;

    /// <summary>
    /// Handles one notification of an observer that has a handler: the serialized change, what happened, and the
    /// subscribing request ids. Runs in order with the connection's messages. Overridden by the generator, which calls
    /// the typed handler.
    /// </summary>
    /// <param name="observerId">The observer id.</param>
    /// <param name="data">The serialized instance (UTF-8 JSON).</param>
    /// <param name="action">What happened.</param>
    /// <param name="requestIds">The request ids subscribed to the change's group on this consumer.</param>
    /// <returns>A task that completes when the handler is done.</returns>
    protected virtual ValueTask HandleNotificationAsync(string observerId, ReadOnlyMemory<byte> data, ModelAction action, IReadOnlyList<JsonElement> requestIds)
        => ValueTask.CompletedTask;

    /// <summary>
    /// Whether this consumer re-checks, per notification, that it may still receive a change of the observer
    /// (<see cref="MayNotifyAsync"/>). <c>ModelConsumer</c> does for its instance subscriptions: the row must still be in
    /// its queryable and pass its object permissions.
    /// </summary>
    /// <param name="observerId">The observer id.</param>
    /// <returns>Whether <see cref="MayNotifyAsync"/> runs before each of this observer's notifications.</returns>
    protected virtual bool FiltersNotifications(string observerId) => false;

    /// <summary>
    /// Decides whether one notification reaches this consumer's subscribers; runs in order with the connection's
    /// messages, only for observers where <see cref="FiltersNotifications"/> is true. The consumer's own object
    /// permissions are not asked on JSON for such observers: this method decides.
    /// </summary>
    /// <param name="observerId">The observer id.</param>
    /// <param name="group">The observer group of the change (as subscribed).</param>
    /// <param name="action">What happened.</param>
    /// <param name="data">The serialized instance (UTF-8 JSON).</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    /// <returns><see langword="true"/> to send the notification.</returns>
    protected virtual ValueTask<bool> MayNotifyAsync(string observerId, string group, ModelAction action, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        => ValueTask.FromResult(true);

    internal bool FiltersNotificationsOf(string observerId) => FiltersNotifications(observerId);

    /// <summary>
    /// Called synchronously when a notification of an observer where <see cref="FiltersNotifications"/> is true is
    /// queued for this consumer, on the thread that delivers it to every member of the group, before
    /// <see cref="MayNotifyAsync"/> runs in order with the connection's messages. Lets consumers of one type gather their
    /// re-checks of one change into one query (<c>ModelConsumer</c> does). Must not block or do I/O.
    /// </summary>
    /// <param name="observerId">The observer id.</param>
    /// <param name="group">The observer group of the change (as subscribed).</param>
    /// <param name="action">What happened.</param>
    /// <param name="handedToMembers">
    /// Completes once the notification has been handed to every member of its group on this node
    /// (<see cref="GroupMessage.HandedToMembers"/>): a batch of every subscriber's re-check starts after it.
    /// </param>
    protected virtual void OnNotificationQueued(string observerId, string group, ModelAction action, Task handedToMembers)
    {
    }

    internal void NotificationQueuedOf(string observerId, string group, ModelAction action, Task handedToMembers)
        => OnNotificationQueued(observerId, group, action, handedToMembers);


    internal ValueTask<bool> MayNotifyOfAsync(string observerId, string group, ModelAction action, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        => MayNotifyAsync(observerId, group, action, data, cancellationToken);

    internal bool HandlesNotificationsOf(string observerId) => HandlesNotifications(observerId);

    internal ValueTask HandleNotificationOfAsync(string observerId, ReadOnlyMemory<byte> data, ModelAction action, IReadOnlyList<JsonElement> requestIds)
        => HandleNotificationAsync(observerId, data, action, requestIds);

    /// <summary>
    /// Whether this consumer has a <see cref="GroupEventAttribute"/> handler for an event type. Overridden by the
    /// generator for consumers that declare handlers.
    /// </summary>
    /// <param name="eventType">The .NET full name of the event's type (the <c>Consumers-Event</c> header).</param>
    /// <returns>Whether <see cref="HandleGroupEventAsync"/> takes events of this type.</returns>
    protected virtual bool HandlesGroupEvent(string eventType) => false;

    /// <summary>
    /// Deserializes a group event with the consumer's JSON context and calls its <see cref="GroupEventAttribute"/>
    /// handler. Runs in order with the connection's messages. Overridden by the generator.
    /// </summary>
    /// <param name="eventType">The .NET full name of the event's type.</param>
    /// <param name="payload">The event as UTF-8 JSON.</param>
    /// <returns>A task that completes when the handler is done.</returns>
    protected virtual ValueTask HandleGroupEventAsync(string eventType, ReadOnlyMemory<byte> payload) => ValueTask.CompletedTask;

    internal bool HandlesGroupEventOf(string eventType) => HandlesGroupEvent(eventType);

    internal ValueTask HandleGroupEventOfAsync(string eventType, ReadOnlyMemory<byte> payload) => HandleGroupEventAsync(eventType, payload);

    private static byte[] RequestIdBytes(RequestContext request)
        => request.RequestId is { } id ? System.Text.Encoding.UTF8.GetBytes(id.GetRawText()) : "null"u8.ToArray();

    /// <summary>
    /// Closes the connection from the server side with the given status. Queued frames are sent first.
    /// </summary>
    /// <param name="status">The WebSocket close status (RFC 6455 §7.4).</param>
    /// <param name="description">An optional reason, at most 123 UTF-8 bytes.</param>
    protected void Close(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string? description = null)
        => RuntimeChannel.Close(status, description);

    /// <summary>
    /// Routes one request to the action it names. Implemented by the Consumers source generator as a
    /// <c>switch</c> on the action name with one strongly typed call per action; the base implementation
    /// answers every request with 405 (a consumer without actions).
    /// </summary>
    /// <param name="invocation">The request being handled; valid until the returned task completes.</param>
    /// <returns>A task that completes when the reply has been queued.</returns>
    protected virtual ValueTask DispatchAsync(ActionInvocation invocation) => invocation.ReplyUnknownAction();

    /// <summary>
    /// Hands one plain JSON message to the consumer's <see cref="ReceiveAttribute"/> handler (Channels'
    /// <c>receive_json</c>). Implemented by the Consumers source generator for consumers that declare one, which the
    /// runtime then calls instead of <see cref="DispatchAsync"/>; the base implementation ignores the message.
    /// </summary>
    /// <param name="invocation">The message being handled; valid until the returned task completes.</param>
    /// <returns>A task that completes when the handler is done.</returns>
    protected virtual ValueTask ReceiveAsync(MessageInvocation invocation) => ValueTask.CompletedTask;

    internal ValueTask ReceiveMessageAsync(MessageInvocation invocation) => ReceiveAsync(invocation);

    internal ValueTask<bool> ConnectAsync(CancellationToken cancellationToken) => OnConnectAsync(cancellationToken);

    internal ValueTask DisconnectAsync(WebSocketCloseStatus? closeStatus) => OnDisconnectAsync(closeStatus);

    internal ValueTask InvokeAsync(ActionInvocation invocation) => DispatchAsync(invocation);
}
