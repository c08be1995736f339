using System.Globalization;
using Consumers.Groups;
using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// How a <see cref="GroupMessage"/> travels as a NATS message (the role of SignalR's <c>RedisProtocol</c>): the payload
/// as raw bytes, the message's own headers as NATS headers, and the layer's routing headers beside them: the sending
/// node and its sequence number (<see cref="NodeHeader"/>, <see cref="SequenceHeader"/>), the excluded channel
/// (<see cref="ExcludeHeader"/>) or, for a message to one channel, that channel (<see cref="ChannelHeader"/>).
/// </summary>
/// <param name="nodeId">This node's id: written into what it sends; what comes back with it is dropped.</param>
internal sealed class NatsMessageCodec(string nodeId)
{
    internal const string ExcludeHeader = "Consumers-Exclude";
    internal const string ChannelHeader = "Consumers-Channel";
    internal const string NodeHeader = "Consumers-Node";
    internal const string SequenceHeader = "Consumers-Seq";

    /// <summary>The NATS headers of a message this node sends.</summary>
    /// <param name="message">The group message.</param>
    /// <param name="channel">The receiving channel of a channel message; null for a group message.</param>
    /// <param name="sequence">This node's number for the message (increasing in the order messages are written).</param>
    public NatsHeaders Encode(GroupMessage message, string? channel, long sequence)
    {
        var headers = new NatsHeaders
        {
            { NodeHeader, nodeId },
            { SequenceHeader, sequence.ToString(CultureInfo.InvariantCulture) },
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

    /// <summary>A live message as it was sent, or null when it is this node's own (echoed back).</summary>
    public NatsInbound? Decode(NatsMsg<byte[]> message) => Decode(message.Data ?? [], message.Headers);

    /// <summary>
    /// The group message as it was sent: the layer's routing headers taken out, the sender's headers kept in order.
    /// Null when this node sent it: a connection the application handed the layer may have echo on, and local members
    /// have it already.
    /// </summary>
    public NatsInbound? Decode(byte[] payload, NatsHeaders? natsHeaders)
    {
        if (natsHeaders is not { Count: > 0 })
        {
            return new NatsInbound(new GroupMessage(payload), null, null, 0);
        }

        string? exclude = null;
        string? channel = null;
        string? sender = null;
        long sequence = 0;
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
                default:
                    foreach (var value in header.Value)
                    {
                        (headers ??= []).Add(new KeyValuePair<string, string>(header.Key, value ?? string.Empty));
                    }

                    break;
            }
        }

        if (sender == nodeId)
        {
            return null;
        }

        return new NatsInbound(new GroupMessage(payload, exclude, headers), channel, sender, sequence);
    }
}
