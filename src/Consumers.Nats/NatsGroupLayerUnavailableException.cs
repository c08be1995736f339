namespace Consumers.Nats;

/// <summary>
/// A group or channel message could not be handed to NATS, or a group could not be joined: the server has been
/// unreachable for longer than <see cref="NatsGroupLayerOptions.PublishTimeout"/>, or the messages held meanwhile passed
/// <see cref="NatsGroupLayerOptions.ReconnectBufferSize"/>. For a message, members on this node already got it; other
/// nodes will not. For a join, the member was not added.
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
