namespace Consumers.Nats;

/// <summary>
/// A group or channel message will not reach the other nodes: NATS is unreachable (or, connected, takes publishes
/// slower than this node makes them) and the messages waiting for it leave no room for this one under <see cref="NatsGroupLayerOptions.ReconnectBufferSize"/> (thrown to the sender at
/// once), or it waited longer than <see cref="NatsGroupLayerOptions.PublishTimeout"/> (logged and counted, the sender
/// having gone on). Members on this node already got it.
/// </summary>
public sealed class NatsGroupLayerUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and which bound was passed.</param>
    /// <param name="innerException">The client's exception, if any.</param>
    public NatsGroupLayerUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
