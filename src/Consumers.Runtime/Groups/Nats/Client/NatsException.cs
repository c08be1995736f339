namespace Consumers.Groups.Nats.Client;

/// <summary>Base of the errors raised by the NATS client.</summary>
internal class NatsException : Exception
{
    public NatsException(string message)
        : base(message)
    {
    }

    public NatsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
