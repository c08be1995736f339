using System.Buffers;
using Consumers.Diagnostics;
using Consumers.Groups;
using Consumers.Observers;
using Consumers.Protocol;

namespace Consumers.Connections;

// A resumable connection's deliveries with their origin (docs/protocol.md, "Recovery on another node"): each group
// message with an origin is written right after an $origin frame naming its group, sending node and sequence number
// and how many frames follow for it, so the client knows exactly which group messages it has seen. Only OriginMember
// calls into this file; other connections never do.
internal sealed partial class ConsumerChannel
{
    /// <summary>
    /// Takes a group message with its origin, as <see cref="Deliver"/> does, telling the client its origin: the frames it
    /// becomes follow an <c>$origin</c> frame with nothing between them; what a consumer's handler writes (a
    /// <c>[GroupEvent]</c> handler, a notification handler, a filter or a permission check, which run later) is followed by
    /// an <c>$origin</c> frame of 0 frames once the handler is done.
    /// </summary>
    public bool DeliverWithOrigin(GroupMessage message, GroupMessageOrigin origin)
    {
        if (message.HasHeaders)
        {
            if (ObserverNotification.IsNotification(message))
            {
                return ObserverNotification.Deliver(this, message, origin);
            }

            if (message.EventType is { } eventType && Hooks.HandlesGroupEvent(eventType))
            {
                return QueueWork(
                    ConsumerTracing.IsEnabled
                        ? () => TraceAsync(Consumer.GetType().Name + "/" + eventType[(eventType.LastIndexOfAny(['.', '+']) + 1)..], message, () => Hooks.HandleGroupEventAsync(Consumer, eventType, message.Payload))
                        : () => Hooks.HandleGroupEventAsync(Consumer, eventType, message.Payload),
                    origin);
            }
        }

        ReadOnlySpan<OutboundFrame> frame = [PayloadFrame(message.Payload)];
        return SendWithOrigin(origin, frame);
    }

    /// <summary>
    /// Queues a consumer's handling of a group message (<see cref="ConsumerConnection.TryQueueWork"/>); with an origin, an
    /// <c>$origin</c> frame of 0 frames follows what the handler wrote.
    /// </summary>
    public bool QueueWork(Func<ValueTask> work, GroupMessageOrigin? origin)
        => origin is null
            ? Connection.TryQueueWork(work)
            : Connection.TryQueueWork(async () =>
            {
                try
                {
                    await work().ConfigureAwait(false);
                }
                finally
                {
                    SendWithOrigin(origin, []);
                }
            });

    /// <summary>Sends <paramref name="frames"/> (a delivery's) right after their <c>$origin</c> frame.</summary>
    public bool SendWithOrigin(GroupMessageOrigin origin, ReadOnlySpan<OutboundFrame> frames)
        => _writer.TrySendWithOrigin(OriginFrame(origin, frames.Length), frames);

    // The $origin frame: for the usual one (one frame, no stream) built once per message and shared by its members here.
    private OutboundFrame OriginFrame(GroupMessageOrigin origin, int frames)
    {
        if (frames != 1 || StreamName is not null)
        {
            return OutboundFrame.Shared(OriginFrames.Origin(origin.Group, origin.Node, origin.Sequence, frames, StreamName));
        }

        if (origin.MemberState is not byte[] shared)
        {
            origin.MemberState = shared = OriginFrames.Origin(origin.Group, origin.Node, origin.Sequence, 1, null);
        }

        return OutboundFrame.Shared(shared);
    }

    // A group message's payload as this consumer's frame: the shared bytes, or wrapped in its stream.
    private OutboundFrame PayloadFrame(ReadOnlyMemory<byte> payload)
    {
        if (StreamPrefix is not { } prefix)
        {
            return OutboundFrame.Shared(payload);
        }

        var length = prefix.Length + payload.Length + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        prefix.CopyTo(buffer, 0);
        payload.Span.CopyTo(buffer.AsSpan(prefix.Length));
        buffer[length - 1] = (byte)'}';
        return OutboundFrame.Rented(buffer, length);
    }
}
