namespace Consumers.Groups.Nats.Client;

/// <summary>Counters of one connection, readable at any time (updated with Interlocked).</summary>
internal sealed class NatsConnectionStatistics
{
    internal long MessagesIn;
    internal long BytesIn;
    internal long MessagesOut;
    internal long PayloadBytesOut;
    internal long Reconnects;
    internal long Disconnects;
    internal long PublishesRefusedBufferFull;
    internal long MessagesDroppedUnknownSid;
    internal long MessagesDroppedSlowConsumer;
    internal long ServerErrors;
    internal long PingsReceived;

    public long InMessages => Interlocked.Read(ref MessagesIn);

    public long InBytes => Interlocked.Read(ref BytesIn);

    public long OutMessages => Interlocked.Read(ref MessagesOut);

    public long OutPayloadBytes => Interlocked.Read(ref PayloadBytesOut);

    public long ReconnectCount => Interlocked.Read(ref Reconnects);

    public long DisconnectCount => Interlocked.Read(ref Disconnects);

    /// <summary>Publishes refused with <see cref="NatsReconnectBufferExceededException"/>.</summary>
    public long RefusedPublishes => Interlocked.Read(ref PublishesRefusedBufferFull);

    /// <summary>Messages for sids that were already unsubscribed (normal right after UNSUB).</summary>
    public long DroppedUnknownSid => Interlocked.Read(ref MessagesDroppedUnknownSid);

    /// <summary>Messages dropped because a subscription channel was full.</summary>
    public long DroppedSlowConsumer => Interlocked.Read(ref MessagesDroppedSlowConsumer);

    /// <summary>-ERR lines received (closing or not).</summary>
    public long ErrorsFromServer => Interlocked.Read(ref ServerErrors);

    /// <summary>Server PINGs answered with PONG.</summary>
    public long ServerPings => Interlocked.Read(ref PingsReceived);
}
