using System.Text;
using System.Threading.Channels;

namespace Consumers.Groups.Nats.Client;

/// <summary>
/// One SUB on the connection, routed by <see cref="Sid"/>. Delivers either to a handler, called on the read loop,
/// or to a bounded channel that drops (and counts) when full so one slow reader never stalls the socket.
/// </summary>
internal sealed class NatsSubscription : INatsSubscription
{
    private readonly NatsConnection _connection;
    private readonly Channel<NatsMsg>? _channel;
    private readonly Action<NatsMsg>? _handler;
    private readonly byte[] _subjectUtf8;
    private long _delivered;
    private long _dropped;
    private int _disposed;

    public NatsSubscription(NatsConnection connection, long sid, string subject, string? queueGroup, long? maxMsgs, Action<NatsMsg>? handler, int channelCapacity)
    {
        _connection = connection;
        Sid = sid;
        Subject = subject;
        QueueGroup = queueGroup;
        MaxMsgs = maxMsgs;
        _handler = handler;
        _subjectUtf8 = Encoding.UTF8.GetBytes(subject);
        if (handler is null)
        {
            _channel = Channel.CreateBounded<NatsMsg>(new BoundedChannelOptions(channelCapacity)
            {
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: we count the drop ourselves.
            });
        }
    }

    public long Sid { get; }

    public string Subject { get; }

    public string? QueueGroup { get; }

    /// <summary>Total messages after which the server drops the subscription (UNSUB max), or null.</summary>
    public long? MaxMsgs { get; private set; }

    public long Delivered => Interlocked.Read(ref _delivered);

    public long DroppedMessages => Interlocked.Read(ref _dropped);

    public ChannelReader<NatsMsg> Messages =>
        _channel?.Reader ?? throw new InvalidOperationException("This subscription delivers to a handler; it has no channel.");

    /// <summary>Messages still allowed by <see cref="MaxMsgs"/>, used for the re-SUB after a reconnect.</summary>
    internal long? Remaining => MaxMsgs is { } max ? Math.Max(0, max - Delivered) : null;

    /// <summary>Asks the server to end the subscription after <paramref name="maxMsgs"/> messages in total (UNSUB sid max).</summary>
    public void AutoUnsubscribe(long maxMsgs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMsgs, 1);
        _connection.AutoUnsubscribe(this, maxMsgs);
    }

    internal void SetMax(long maxMsgs) => MaxMsgs = maxMsgs;

    /// <summary>The message's subject as a string; the subscription's own string when they match, so no allocation.</summary>
    internal string ResolveSubject(ReadOnlySpan<byte> subject) =>
        subject.SequenceEqual(_subjectUtf8) ? Subject : Encoding.UTF8.GetString(subject);

    /// <summary>Delivers one message; returns true when it was the last one allowed by <see cref="MaxMsgs"/>.</summary>
    internal bool Deliver(in NatsMsg msg, out bool dropped, out Exception? handlerError)
    {
        dropped = false;
        handlerError = null;
        var count = Interlocked.Increment(ref _delivered);
        if (MaxMsgs is { } max && count > max)
        {
            dropped = true;
            return true;
        }

        if (_handler is not null)
        {
            try
            {
                _handler(msg);
            }
            catch (Exception ex)
            {
                // A faulty handler must not kill the read loop shared by every subscription.
                handlerError = ex;
            }
        }
        else if (!_channel!.Writer.TryWrite(msg))
        {
            Interlocked.Increment(ref _dropped);
            dropped = true;
        }

        return MaxMsgs is { } limit && count >= limit;
    }

    internal bool MarkDisposed() => Interlocked.Exchange(ref _disposed, 1) == 0;

    internal void Complete() => _channel?.Writer.TryComplete();

    public ValueTask DisposeAsync()
    {
        _connection.Unsubscribe(this);
        return default;
    }
}
