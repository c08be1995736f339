namespace Consumers.Groups.Nats.Client;

/// <summary>
/// A publish made while disconnected did not fit in <see cref="NatsClientOptions.ReconnectBufferSize"/>;
/// the message was not sent and will not be (same contract as nats.go's <c>ErrReconnectBufExceeded</c>).
/// </summary>
internal sealed class NatsReconnectBufferExceededException : NatsException
{
    public NatsReconnectBufferExceededException(string subject, long size, long buffered, long limit)
        : base($"Cannot publish {size} bytes to '{subject}' while disconnected: {buffered} bytes are already buffered and the reconnect buffer holds at most {limit} bytes (NatsClientOptions.ReconnectBufferSize).")
    {
        Limit = limit;
    }

    public long Limit { get; }
}
