using System.Net.WebSockets;
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
/// <para>
/// Declare a consumer as a <c>partial</c> class and mark its actions with <see cref="ActionAttribute"/> (or a plain
/// JSON handler with <see cref="ReceiveAttribute"/>, group event handlers with <see cref="GroupEventAttribute"/>,
/// observers with <c>ModelObserverAttribute</c>). The Consumers source generator implements
/// <see cref="IConsumerFactory{TConsumer}"/> for it, whose <see cref="IConsumerFactory{TConsumer}.Hooks"/> are how the
/// runtime creates it, dispatches to its actions and calls its handlers: this class holds only what a consumer may
/// call or override.
/// </para>
/// <para>
/// Override <see cref="OnConnectAsync"/> and <see cref="OnDisconnectAsync"/>; read <see cref="Context"/>; send with
/// <see cref="Send"/>, <see cref="SendToGroupAsync"/>, <see cref="SendToUserAsync"/> and <see cref="SendToChannelAsync"/>;
/// manage groups with <see cref="JoinGroupAsync"/>, <see cref="LeaveGroupAsync"/> and <see cref="Groups"/>; observer
/// subscriptions with <see cref="SubscribeObserverAsync"/> and <see cref="UnsubscribeObserverAsync"/>; end the
/// connection with <see cref="Close"/>. Messages of one connection are handled one at a time, in order.
/// </para>
/// </remarks>
public abstract class Consumer
{
    private ConsumerContext? _context;

    /// <summary>The connection this consumer serves.</summary>
    /// <exception cref="InvalidOperationException">Read inside the constructor, before the runtime attached the connection.</exception>
    public ConsumerContext Context => _context ?? throw new InvalidOperationException(
        "The consumer's Context is attached after construction; use it from OnConnectAsync or an action, not from the constructor.");

    // This consumer's channel: what the runtime and the group layer hold for it.
    private ConsumerChannel Channel => Context.Channel;

    // Called by the runtime right after construction, before OnConnectAsync.
    internal void Attach(ConsumerContext context) => _context = context;

    // The DataAnnotations check of a DTO built after binding, with the validator generated for its type (as an action's
    // DTO argument is checked): false when there is none; errors null when valid or ValidateDataAnnotations is off.
    internal bool TryValidateDataAnnotations(object value, out ActionErrors? errors)
    {
        errors = null;
        return !Dispatch.ActionPipeline.Of(Context.Services).ValidateDataAnnotations
            || Context.Channel.Hooks.TryValidate(value, Context.Services, out errors);
    }

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
    protected bool Send<T>(T message, JsonTypeInfo<T> typeInfo) => Channel.Send(message, Dispatch.WireJson.Of(typeInfo));

    /// <summary>The groups this consumer has joined (declared with <see cref="ConsumerGroupsAttribute"/> or joined since).</summary>
    protected IReadOnlyCollection<string> Groups => Channel.Groups;

    /// <summary>
    /// Joins a group (Channels' <c>group_add</c>): messages sent to it reach this client until it leaves or
    /// disconnects. Joining twice is harmless.
    /// </summary>
    /// <param name="group">A valid group name (1-100 ASCII letters, digits, <c>-_.:</c>).</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    /// <exception cref="ArgumentException">The group name is invalid, or is a user group (<see cref="GroupName.UserPrefix"/>), which only the runtime joins.</exception>
    protected ValueTask JoinGroupAsync(string group, CancellationToken cancellationToken = default)
    {
        GroupName.RefuseUserGroup(group);
        return Channel.JoinAsync(group!, cancellationToken);
    }

    /// <summary>Leaves a group (Channels' <c>group_discard</c>). Leaving a group not joined is harmless.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    protected ValueTask LeaveGroupAsync(string group, CancellationToken cancellationToken = default) => Channel.LeaveAsync(group, cancellationToken);

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
        var payload = ConsumerEvents.Serialize(message, Dispatch.WireJson.Of(typeInfo));
        GroupMessage.EnsureJsonObject(payload);
        var channel = Channel;
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
        var payload = ConsumerEvents.Serialize(message, Dispatch.WireJson.Of(typeInfo));
        GroupMessage.EnsureJsonObject(payload);
        return Channel.GroupLayer.SendToChannelAsync(channelName, GroupMessage.Event(payload, typeInfo.Type), cancellationToken);
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
        return Channel.SubscribeAsync(group, RequestIdBytes(request), request.Call, cancellationToken);
    }

    /// <summary>
    /// Removes the request's subscription to an observer group (every subscription of the group when
    /// <paramref name="request"/> is null); the group is left when none is left.
    /// </summary>
    /// <param name="group">The observer group.</param>
    /// <param name="request">The subscribing request, or null for all.</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    protected ValueTask UnsubscribeObserverAsync(string group, RequestContext? request, CancellationToken cancellationToken = default)
        => Channel.UnsubscribeAsync(group, request is null ? null : RequestIdBytes(request), cancellationToken);

    private static byte[] RequestIdBytes(RequestContext request)
        => request.RequestId is { } id ? System.Text.Encoding.UTF8.GetBytes(id.GetRawText()) : "null"u8.ToArray();

    /// <summary>
    /// Closes the connection from the server side with the given status. Queued frames are sent first.
    /// </summary>
    /// <param name="status">The WebSocket close status (RFC 6455 §7.4).</param>
    /// <param name="description">An optional reason, at most 123 UTF-8 bytes.</param>
    protected void Close(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string? description = null)
        => Channel.Close(status, description);
}
