namespace Consumers.Groups.Nats.Client;

/// <summary>Connecting failed or the connection was lost (refused handshake, timeout, EOF, stale connection).</summary>
internal sealed class NatsConnectionException : NatsException
{
    public NatsConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The server's <c>-ERR</c> text when the server refused or closed the connection, e.g. <c>Authorization Violation</c>.</summary>
    public string? ServerError { get; init; }
}
