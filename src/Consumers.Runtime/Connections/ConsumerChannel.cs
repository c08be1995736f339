using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Consumers.Diagnostics;
using Consumers.Dispatch;
using Consumers.Groups;
using Consumers.Observers;
using Consumers.Protocol;
using Microsoft.AspNetCore.Http;

namespace Consumers.Connections;

/// <summary>
/// One consumer on one connection, as the rest of the runtime sees it (the role of SignalR's
/// <c>HubConnectionContext</c>; Channels' <c>channel_name</c> with its queue): the stream wrapper of a multiplexed
/// endpoint (the one framing path for everything this consumer sends), the groups joined, the observer
/// subscriptions, the gate that holds notifications back while an action runs, and <see cref="TrySend"/>.
/// Group layers hold it as an <see cref="IGroupMember"/>.
/// </summary>
internal sealed partial class ConsumerChannel : IGroupMember, IReplySink
{
    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);

    // The connection's writer, reached without the connection: a delivery touches the channel and the writer only.
    private readonly ConnectionWriter _writer;
    private volatile bool _inAction;

    public ConsumerChannel(Consumer consumer, ConsumerHooks hooks, ConsumerConnection connection, string? stream, IGroupLayer groupLayer)
    {
        Consumer = consumer;
        Hooks = hooks;
        Connection = connection;
        _writer = connection.Writer;
        GroupLayer = groupLayer;
        ChannelName = stream is null ? connection.Id : connection.Id + "#" + stream;
        Subscriptions = new ObserverSubscriptions(connection.UserSubscriptions);
        StreamPrefix = stream is null ? null : StreamFraming.EncodePrefix(stream);
        StreamName = stream;

        // A resumable connection's consumer joins groups as a member that tracks origins; every other is its own member.
        _member = connection.Resume is null ? this : new OriginMember(this, connection.Recovery);
    }

    // What the group layer holds for this consumer: itself, or its OriginMember on a resumable connection.
    private readonly IGroupMember _member;

    /// <summary>The stream name on a multiplexed endpoint, else null.</summary>
    public string? StreamName { get; }

    public Consumer Consumer { get; }

    /// <summary>The generated entry points into <see cref="Consumer"/> (its registration's hooks).</summary>
    public ConsumerHooks Hooks { get; }

    public ConsumerConnection Connection { get; }

    public IGroupLayer GroupLayer { get; }

    public string ChannelName { get; }

    /// <summary>The UTF-8 bytes <c>{"stream":"name","payload":</c> on a multiplexed endpoint, else null.</summary>
    public byte[]? StreamPrefix { get; }

    /// <summary>The observer subscriptions of this consumer (request ids per observer group).</summary>
    public ObserverSubscriptions Subscriptions { get; }

    /// <summary>A copy of the groups joined.</summary>
    public string[] Groups
    {
        get
        {
            lock (_groups)
            {
                return [.. _groups];
            }
        }
    }

    /// <summary>
    /// Queues one complete frame (already wrapped in the stream for a multiplexed endpoint). Never blocks: a full
    /// queue closes the connection with 1008.
    /// </summary>
    public bool TrySend(OutboundFrame frame) => _writer.TrySend(frame);

    /// <summary>
    /// Queues a frame that a group layer delivered (a group message, an observer notification): while an action runs on
    /// this connection it leaves after the action's reply.
    /// </summary>
    public bool TrySendDelivery(OutboundFrame frame) => _writer.TrySendDelivery(frame);

    /// <summary>Serializes one JSON object and queues it outside of a reply.</summary>
    public bool Send<T>(T message, JsonTypeInfo<T> typeInfo)
    {
        using var frame = FrameBuilder.Rent();
        var writer = frame.BeginPayload(StreamPrefix);
        if (ConsumerEvents.TryGetAction(typeInfo.Type, out var action))
        {
            // A declared event type (docs/protocol.md, "Server pushes"): the DCRF envelope routed by its action.
            ConsumerEvents.WriteEnvelope(writer, message, typeInfo, action);
        }
        else
        {
            JsonSerializer.Serialize(writer, message, typeInfo);
        }

        return TrySend(frame.Complete(StreamPrefix));
    }

    public void Reply(ReadOnlySpan<byte> actionToken, int status, ActionErrors errors, ReadOnlySpan<byte> requestId)
        => TrySend(FrameBuilder.EnvelopeWithoutData(StreamPrefix, actionToken, status, errors, requestId));

    public void Reply<T>(ReadOnlySpan<byte> actionToken, int status, T value, JsonTypeInfo<T> typeInfo, ActionErrors errors, ReadOnlySpan<byte> requestId)
    {
        using var frame = FrameBuilder.Rent();
        var writer = frame.BeginPayload(StreamPrefix);
        Envelope.WriteHead(writer, errors);
        JsonSerializer.Serialize(writer, value, typeInfo);
        Envelope.WriteTail(writer, actionToken, status, requestId);
        TrySend(frame.Complete(StreamPrefix));
    }

    /// <summary>
    /// Takes a group or channel message: an observer notification goes to Observers, an event the consumer has a
    /// <c>[GroupEvent]</c> handler for to that handler (queued in order with the connection's messages), anything else
    /// to the socket as it is.
    /// </summary>
    public bool Deliver(GroupMessage message)
    {
        if (message.HasHeaders)
        {
            if (ObserverNotification.IsNotification(message))
            {
                return ObserverNotification.Deliver(this, message);
            }

            if (message.EventType is { } eventType && Hooks.HandlesGroupEvent(eventType))
            {
                return ConsumerTracing.IsEnabled ? QueueTracedGroupEvent(eventType, message) : QueueGroupEvent(eventType, message.Payload);
            }
        }

        return SendPayload(message.Payload);
    }

    // In a method of its own: the closure's captured variables would otherwise be allocated on every delivery, the
    // ones that go to the socket included (the compiler creates them where the method's scope begins).
    private bool QueueGroupEvent(string eventType, ReadOnlyMemory<byte> payload)
        => Connection.TryQueueWork(() => Hooks.HandleGroupEventAsync(Consumer, eventType, payload));

    // The same, in a span of its own (a child of the sender's when the message carries a trace context).
    private bool QueueTracedGroupEvent(string eventType, GroupMessage message)
        => Connection.TryQueueWork(() => TraceAsync(
            Consumer.GetType().Name + "/" + eventType[(eventType.LastIndexOfAny(['.', '+']) + 1)..],
            message,
            () => Hooks.HandleGroupEventAsync(Consumer, eventType, message.Payload)));

    /// <summary>
    /// Runs a consumer's handler of a group message (a <c>[GroupEvent]</c> handler, an observer's notification handler)
    /// in a span named <paramref name="name"/>: a child of the span that sent the message, linked to the connection's.
    /// </summary>
    public async ValueTask TraceAsync(string name, GroupMessage message, Func<ValueTask> handler)
    {
        var activity = ConsumerTracing.StartFromMessage(
            name,
            System.Diagnostics.ActivityKind.Consumer,
            message.GetHeader(ConsumerTracing.TraceParentHeader),
            message.GetHeader(ConsumerTracing.TraceStateHeader),
            always: true,
            Connection.HttpActivity);
        try
        {
            await handler().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ConsumerTracing.Stop(activity, ex);
            activity = null;
            throw;
        }
        finally
        {
            ConsumerTracing.Stop(activity);
        }
    }

    /// <summary>Queues a JSON object for the socket: the shared bytes as they are, or wrapped in this consumer's stream.</summary>
    private bool SendPayload(ReadOnlyMemory<byte> payload)
        => _writer.TrySendDelivery(StreamPrefix is null ? OutboundFrame.Shared(payload) : PayloadFrame(payload));

    /// <summary>How full this connection's queues are (pacing a backlog; never read on the delivery path).</summary>
    public double Backlog => Connection.Backlog;

    /// <summary>Joins a group (idempotent).</summary>
    public ValueTask JoinAsync(string group, CancellationToken cancellationToken)
    {
        GroupName.Validate(group);
        lock (_groups)
        {
            _groups.Add(group);
        }

        return _member is OriginMember member ? member.JoinAsync(group, GroupLayer, cancellationToken) : GroupLayer.AddAsync(group, this, cancellationToken);
    }

    /// <summary>Leaves a group (harmless when not a member).</summary>
    public ValueTask LeaveAsync(string group, CancellationToken cancellationToken)
    {
        lock (_groups)
        {
            _groups.Remove(group);
        }

        return GroupLayer.DiscardAsync(group, _member, cancellationToken);
    }

    /// <summary>Leaves every joined group; part of the disconnect.</summary>
    public async ValueTask LeaveAllAsync()
    {
        string[] groups;
        lock (_groups)
        {
            groups = [.. _groups];
            _groups.Clear();
        }

        foreach (var group in groups)
        {
            await GroupLayer.DiscardAsync(group, _member, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Subscribes a request id to an observer group, then joins the group.</summary>
    /// <exception cref="ArgumentException">The group name is invalid, or is a user group (<see cref="GroupName.UserPrefix"/>), which only the runtime joins.</exception>
    /// <exception cref="ActionException">
    /// 429 when the consumer holds <see cref="ConsumerOptions.MaxSubscriptionsPerConsumer"/> subscriptions already, or
    /// its user <see cref="ConsumerOptions.MaxSubscriptionsPerUser"/> over all the user's connections on this node.
    /// </exception>
    /// <param name="group">The observer group.</param>
    /// <param name="requestId">The subscribing request's id (raw JSON).</param>
    /// <param name="call">The concurrent action or stream subscribing, or null: its subscription waits for its own reply.</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    public ValueTask SubscribeAsync(string group, byte[] requestId, DetachedCall? call, CancellationToken cancellationToken)
    {
        GroupName.RefuseUserGroup(group);
        GroupName.Validate(group);
        var max = Connection.Options.MaxSubscriptionsPerConsumer;
        var pendingFor = call ?? (_inAction ? ObserverSubscriptions.OrderedAction : null);
        switch (Subscriptions.Add(group, requestId, pendingFor, max))
        {
            case SubscribeResult.Full:
                throw new ActionException(StatusCodes.Status429TooManyRequests, ActionErrors.Messages(Protocol.ProtocolErrors.TooManySubscriptions(max)));
            case SubscribeResult.UserFull:
                throw new ActionException(StatusCodes.Status429TooManyRequests, ActionErrors.Messages(Protocol.ProtocolErrors.TooManySubscriptionsPerUser(Connection.Options.MaxSubscriptionsPerUser)));
        }

        return JoinAsync(group, cancellationToken);
    }

    /// <summary>Removes a request id's subscription (all, when null); leaves the group when none is left.</summary>
    public ValueTask UnsubscribeAsync(string group, byte[]? requestId, CancellationToken cancellationToken)
        => Subscriptions.Remove(group, requestId) ? LeaveAsync(group, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>An action starts: subscriptions it makes wait for its reply, and so do the deliveries to this connection.</summary>
    public void BeginAction()
    {
        _inAction = true;
        _writer.HoldDeliveries();
    }

    /// <summary>
    /// The action's reply is queued: subscriptions it made may now receive notifications, and the group messages and
    /// notifications delivered meanwhile leave, after the reply.
    /// </summary>
    public void EndAction()
    {
        _inAction = false;
        Subscriptions.ActivatePending(ObserverSubscriptions.OrderedAction);
        _writer.ReleaseDeliveries();
    }

    public void ActivateSubscriptions(DetachedCall call) => Subscriptions.ActivatePending(call);

    public long QueueMark => _writer.QueueMark;

    public ValueTask WaitForRoomAsync(long mark, CancellationToken cancellationToken) => _writer.WaitForRoomAsync(mark, cancellationToken);

    public bool BeginItems() => DeliveryTurn.TryBegin();

    public void EndItems() => DeliveryTurn.End();

    public void Close(WebSocketCloseStatus status, string? description) => Connection.RequestClose(status, description);
}
