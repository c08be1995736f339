namespace Consumers.Groups.Nats.Client;

/// <summary>The server sent bytes that are not valid NATS protocol; the connection is dropped.</summary>
internal sealed class NatsProtocolException : NatsException
{
    public NatsProtocolException(string message)
        : base(message)
    {
    }
}
