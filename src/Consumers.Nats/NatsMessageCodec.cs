using System.Globalization;
using Consumers.Groups;
using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// How a <see cref="GroupMessage"/> travels as a NATS message (the role of SignalR's <c>RedisProtocol</c>): the payload
/// as raw bytes, the message's own headers as NATS headers, and the layer's routing headers beside them: the sending
/// node, its sequence number and that of its previous message on the same subject (<see cref="NodeHeader"/>,
/// <see cref="SequenceHeader"/>, <see cref="PreviousHeader"/>), when it was sent
/// (<see cref="SentHeader"/>, Unix milliseconds by the sender's clock), whether it waited in the sender's outbox
/// (<see cref="HeldHeader"/>), the excluded channel (<see cref="ExcludeHeader"/>) or, for a message to one channel,
/// that channel (<see cref="ChannelHeader"/>).
/// </summary>
/// <param name="nodeId">This node's id: written into what it sends; what comes back with it is dropped.</param>
internal sealed class NatsMessageCodec(string nodeId)
{
    internal const string ExcludeHeader = "Consumers-Exclude";
    internal const string ChannelHeader = "Consumers-Channel";
    internal const string NodeHeader = "Consumers-Node";
    internal const string SequenceHeader = "Consumers-Seq";
    internal const string PreviousHeader = "Consumers-Prev";
    internal const string SentHeader = "Consumers-Sent";
    internal const string HeldHeader = "Consumers-Held";

    /// <summary>The NATS headers of a message this node sends, but its sequence number (<see cref="Number"/>).</summary>
    /// <param name="message">The group message.</param>
    /// <param name="channel">The receiving channel of a channel message; null for a group message.</param>
    /// <param name="sentAt">When it was sent: Unix milliseconds, this node's clock.</param>
    public NatsHeaders Encode(GroupMessage message, string? channel, long sentAt)
    {
        var headers = new NatsHeaders
        {
            { NodeHeader, nodeId },
            { SentHeader, sentAt.ToString(CultureInfo.InvariantCulture) },
        };
        if (channel is not null)
        {
            headers.Add(ChannelHeader, channel);
        }
        else if (message.ExcludeChannel is not null)
        {
            headers.Add(ExcludeHeader, message.ExcludeChannel);
        }

        foreach (var header in message.Headers)
        {
            if (headers.TryGetValue(header.Key, out var values))
            {
                headers[header.Key] = Microsoft.Extensions.Primitives.StringValues.Concat(values, header.Value);
            }
            else
            {
                headers.Add(header.Key, header.Value);
            }
        }

        return headers;
    }

    /// <summary>Numbers a message: the order in which this node writes its messages to NATS.</summary>
    /// <param name="headers">Its headers (<see cref="Encode"/>).</param>
    /// <param name="sequence">The number.</param>
    /// <param name="previous">The number of this node's previous message on the same subject; 0 when unknown.</param>
    /// <param name="held">Whether it waits in the outbox (for an outage to end): receivers pace such messages.</param>
    public static void Number(NatsHeaders headers, long sequence, long previous, bool held)
    {
        headers[SequenceHeader] = sequence.ToString(CultureInfo.InvariantCulture);
        if (previous > 0)
        {
            headers[PreviousHeader] = previous.ToString(CultureInfo.InvariantCulture);
        }

        if (held)
        {
            headers[HeldHeader] = "1";
        }
    }

    /// <summary>About how many bytes the message takes on the wire (payload and header block), for the outbox's bound.</summary>
    public static int Size(ReadOnlyMemory<byte> payload, NatsHeaders headers)
    {
        // "NATS/1.0\r\n" and the blank line; each header "Name: value\r\n"; the sequence number added later.
        var size = payload.Length + 12 + SequenceHeader.Length + PreviousHeader.Length + 48 + HeldHeader.Length + 5;
        foreach (var header in headers)
        {
            foreach (var value in header.Value)
            {
                size += header.Key.Length + (value?.Length ?? 0) + 4;
            }
        }

        return size;
    }

    /// <summary>A live message as it was sent, or null when it is this node's own (echoed back).</summary>
    public NatsInbound? Decode(NatsMsg<byte[]> message) => Decode(message.Data ?? [], message.Headers);

    /// <summary>
    /// The group message as it was sent: the layer's routing headers taken out, the sender's headers kept in order.
    /// Null when this node sent it: a connection the application handed the layer may have echo on, and local members
    /// have it already.
    /// </summary>
    /// <param name="payload">The message's bytes.</param>
    /// <param name="natsHeaders">Its NATS headers.</param>
    /// <param name="keepOwn">Returns this node's own messages too (a replay to one member, who may not have them).</param>
    public NatsInbound? Decode(byte[] payload, NatsHeaders? natsHeaders, bool keepOwn = false)
    {
        if (natsHeaders is not { Count: > 0 })
        {
            return new NatsInbound(new GroupMessage(payload), null, null, 0, 0, 0, false);
        }

        string? exclude = null;
        string? channel = null;
        string? sender = null;
        long sequence = 0;
        long previous = 0;
        long sentAt = 0;
        var held = false;
        List<KeyValuePair<string, string>>? headers = null;
        foreach (var header in natsHeaders)
        {
            switch (header.Key)
            {
                case ExcludeHeader:
                    exclude = header.Value;
                    break;
                case ChannelHeader:
                    channel = header.Value;
                    break;
                case NodeHeader:
                    sender = header.Value;
                    break;
                case SequenceHeader:
                    _ = long.TryParse(header.Value, NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
                    break;
                case PreviousHeader:
                    _ = long.TryParse(header.Value, NumberStyles.None, CultureInfo.InvariantCulture, out previous);
                    break;
                case SentHeader:
                    _ = long.TryParse(header.Value, NumberStyles.None, CultureInfo.InvariantCulture, out sentAt);
                    break;
                case HeldHeader:
                    held = true;
                    break;
                default:
                    foreach (var value in header.Value)
                    {
                        (headers ??= []).Add(new KeyValuePair<string, string>(header.Key, value ?? string.Empty));
                    }

                    break;
            }
        }

        if (sender == nodeId && !keepOwn)
        {
            return null;
        }

        return new NatsInbound(new GroupMessage(payload, exclude, headers), channel, sender, sequence, previous, sentAt, held);
    }
}
