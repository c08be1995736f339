using System.Globalization;
using System.Text.Json;
using Consumers.Connections;
using Consumers.Groups;
using Consumers.Protocol;
using Microsoft.AspNetCore.Http;

namespace Consumers.Observers;

/// <summary>
/// Model observer notifications as group messages: the serialized instance as the payload, and the observer id, the
/// observer group, what happened and the status as headers (so the group layer carries them between nodes without
/// knowing what they mean). On each member, the notification becomes one DCRF envelope per subscribing
/// <c>request_id</c>, or a call of the consumer's notification handler.
/// </summary>
internal static class ObserverNotification
{
    public const string ObserverHeader = "Consumers-Observer";
    public const string GroupHeader = "Consumers-Group";
    public const string ActionHeader = "Consumers-Action";
    public const string StatusHeader = "Consumers-Status";
    public const string ChangeHeader = "Consumers-Change";
    public const string BeforeHeader = "Consumers-Before";
    public const string AfterHeader = "Consumers-After";

    // Change ids: a random prefix per process and a counter, unique across nodes for all practical purposes.
    private static readonly string s_changePrefix = System.Security.Cryptography.RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 12) + "-";
    private static long s_changes;

    // The status header of a change's copies (200: the action each request id sees is in the action header).
    private static readonly string s_okStatus = StatusCodes.Status200OK.ToString(CultureInfo.InvariantCulture);

    /// <summary>A notification of one observer to one of its groups.</summary>
    /// <param name="observerId">The observer id (<c>Consumer.Method</c>).</param>
    /// <param name="group">The observer group the change belongs to.</param>
    /// <param name="data">The serialized instance.</param>
    /// <param name="action">What happened.</param>
    /// <param name="status">The envelope's <c>response_status</c> (DCRF: 204 for an instance deletion, else 200).</param>
    public static GroupMessage Create(string observerId, string group, ReadOnlyMemory<byte> data, ModelAction action, int status = StatusCodes.Status200OK)
        => new(data, headers: Diagnostics.ConsumerTracing.WithTraceContext(
        [
            new(ObserverHeader, observerId),
            new(GroupHeader, group),
            new(ActionHeader, ModelActions.ToWire(action)),
            new(StatusHeader, status.ToString(CultureInfo.InvariantCulture)),
        ]));

    /// <summary>A notification of one observer to one of the several groups a change touches.</summary>
    /// <param name="observerId">The observer id (<c>Consumer.Method</c>).</param>
    /// <param name="group">The group this message goes to.</param>
    /// <param name="data">The serialized instance.</param>
    /// <param name="action">What happened in this group (left: delete, entered: create, kept: update).</param>
    /// <param name="change">The change's id and groups: the members merge the copies of one change.</param>
    public static GroupMessage Create(string observerId, string group, ReadOnlyMemory<byte> data, ModelAction action, ChangeGroups change)
        => new(data, headers: Diagnostics.ConsumerTracing.WithTraceContext(
        [
            new(ObserverHeader, observerId),
            new(GroupHeader, group),
            new(ActionHeader, ModelActions.ToWire(action)),
            new(StatusHeader, s_okStatus),
            new(ChangeHeader, change.Id),
            new(BeforeHeader, string.Join(' ', change.Before)),
            new(AfterHeader, string.Join(' ', change.After)),
        ]));

    /// <summary>A new change id: unique across nodes (a random per-process prefix and a counter).</summary>
    public static string NewChangeId() => s_changePrefix + Interlocked.Increment(ref s_changes).ToString(CultureInfo.InvariantCulture);

    public static bool IsNotification(GroupMessage message) => message.GetHeader(ObserverHeader) is not null;

    /// <summary>
    /// Pushes a notification to one consumer once per active subscribing request id, or to its handler. A change
    /// touching several groups arrives once per group the consumer is in: the first copy is written for every request
    /// id subscribed to any of the change's groups, later copies are dropped.
    /// </summary>
    /// <param name="channel">The consumer.</param>
    /// <param name="message">The notification.</param>
    /// <param name="origin">
    /// Its origin, for a resumable connection's consumer (null otherwise): the frames it becomes follow an <c>$origin</c>
    /// frame (see <see cref="ConsumerChannel.DeliverWithOrigin"/>).
    /// </param>
    public static bool Deliver(ConsumerChannel channel, GroupMessage message, GroupMessageOrigin? origin = null)
    {
        if (message.GetHeader(GroupHeader) is not { } group ||
            message.GetHeader(ObserverHeader) is not { } observerId ||
            ModelActions.FromWire(message.GetHeader(ActionHeader)) is not { } action)
        {
            return false;
        }

        var change = message.GetHeader(ChangeHeader);
        string[]? before = null;
        string[]? after = null;
        if (change is not null)
        {
            before = Split(message.GetHeader(BeforeHeader));
            after = Split(message.GetHeader(AfterHeader));
        }

        // Who gets what: the request ids subscribed to this group, or for a change over several groups, each request
        // id once with the action it sees (in a group before and after: update; only after: create; only before: delete).
        NotificationTarget[] Targets() => change is null
            ? [new(action, channel.Subscriptions.ActiveRequestIds(group))]
            : channel.Subscriptions.ChangeTargets(before!, after!);

        var targets = Targets();
        if (!Array.Exists(targets, t => t.RequestIds.Length > 0))
        {
            return false;
        }

        // The first copy with someone to write to claims the change; a copy that found no one does not use up the
        // claim, so a later copy still reaches the request ids subscribed by then.
        if (change is not null && !channel.Subscriptions.TryClaimChange(change))
        {
            return true;
        }

        var status = int.TryParse(message.GetHeader(StatusHeader), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : StatusCodes.Status200OK;
        var consumer = channel.Consumer;
        var data = message.Payload;
        if (channel.Hooks.HandlesNotifications(observerId))
        {
            // The consumer shapes what it sends: its handler runs in order with the connection's messages.
            async ValueTask Handle()
            {
                foreach (var target in targets)
                {
                    if (target.RequestIds.Length > 0)
                    {
                        var ids = Array.ConvertAll(target.RequestIds, id => JsonElement.Parse(id));
                        await channel.Hooks.HandleNotificationAsync(consumer, observerId, data, target.Action, ids).ConfigureAwait(false);
                    }
                }
            }

            return Diagnostics.ConsumerTracing.IsEnabled
                ? channel.QueueWork(() => channel.TraceAsync(consumer.GetType().Name + "/" + observerId, message, Handle), origin)
                : channel.QueueWork(Handle, origin);
        }

        if (consumer is INotificationFilter filter && filter.FiltersNotifications(observerId))
        {
            // The consumer re-checks that this subscriber may still see the object (with the model, not the JSON).
            filter.OnNotificationQueued(observerId, group, action, message.HandedToMembers);
            return channel.QueueWork(async () =>
            {
                foreach (var target in Targets())
                {
                    if (target.RequestIds.Length > 0 &&
                        await filter.MayNotifyAsync(observerId, group, target.Action, data, consumer.Context.ConnectionAborted).ConfigureAwait(false))
                    {
                        Write(channel, target.RequestIds, data, target.Action, status);
                    }
                }
            }, origin);
        }

        if (consumer.Context.Security.Permissions.Count > 0)
        {
            // Permissions may refuse this subscriber the object: checked in order with the connection's messages,
            // on the observer's serialized type read back (the model instance does not cross nodes).
            return channel.QueueWork(async () =>
            {
                var instance = ReadInstance(consumer, observerId, data);
                if (await Security.ConsumerAuthorization.HasObjectPermissionAsync(consumer, observerId, instance, consumer.Context.ConnectionAborted).ConfigureAwait(false))
                {
                    foreach (var target in targets)
                    {
                        Write(channel, target.RequestIds, data, target.Action, status);
                    }
                }
            }, origin);
        }

        if (origin is not null)
        {
            // One $origin frame, then every frame of the notification, nothing between them.
            var frames = new List<OutboundFrame>();
            foreach (var target in targets)
            {
                Write(channel, target.RequestIds, data, target.Action, status, frames);
            }

            return channel.SendWithOrigin(origin, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(frames));
        }

        var sent = true;
        foreach (var target in targets)
        {
            sent &= Write(channel, target.RequestIds, data, target.Action, status);
        }

        return sent;
    }

    private static string[] Split(string? groups) => string.IsNullOrEmpty(groups) ? [] : groups.Split(' ');

    // The payload as the observer's TData when this node knows the observer (it always does when the same app runs on
    // every node), else as JSON; a payload that is not a TData (an instance deletion's {"pk": ...}) stays JSON.
    private static object ReadInstance(Consumer consumer, string observerId, ReadOnlyMemory<byte> data)
    {
        if (consumer.Context.Services.GetService(typeof(ObserverRegistry)) is ObserverRegistry registry &&
            registry.Find(observerId) is { } binding)
        {
            try
            {
                if (binding.ReadData(data.Span) is { } typed)
                {
                    return typed;
                }
            }
            catch (JsonException)
            {
                // Not of the observer's type: the JSON below.
            }
        }

        return JsonElement.Parse(data.Span);
    }

    // Each request id's envelope, sent (or, with `into`, collected there to be sent together).
    private static bool Write(ConsumerChannel channel, byte[][] requestIds, ReadOnlyMemory<byte> data, ModelAction action, int status, List<OutboundFrame>? into = null)
    {
        var prefix = channel.StreamPrefix;
        var sent = true;
        foreach (var requestId in requestIds)
        {
            using var frame = FrameBuilder.Rent();
            var writer = frame.BeginPayload(prefix);
            Envelope.WriteHead(writer, ActionErrors.None);
            writer.WriteRawValue(data.Span, skipInputValidation: true);
            Envelope.WriteTail(writer, ModelActions.ToToken(action), status, requestId);
            if (into is not null)
            {
                into.Add(frame.Complete(prefix));
                continue;
            }

            sent &= channel.TrySendDelivery(frame.Complete(prefix));
        }

        return sent;
    }
}
