using System.Net.WebSockets;

namespace Consumers.Testing.Communication;

/// <summary>
/// Thrown by a <see cref="ConsumerCommunicator"/> receive when the connection closed before the awaited frame arrived;
/// carries the server's close code (1000 normal, 1008 policy violation, 1009 message too big, 1011 server failure).
/// </summary>
public sealed class ConsumerClosedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was awaited, the close code and the frames that did arrive.</param>
    /// <param name="closeStatus">The close code of the server's close frame; null when the connection dropped without one.</param>
    /// <param name="closeStatusDescription">The close frame's reason text.</param>
    public ConsumerClosedException(string message, WebSocketCloseStatus? closeStatus, string? closeStatusDescription)
        : base(message)
    {
        CloseStatus = closeStatus;
        CloseStatusDescription = closeStatusDescription;
    }

    /// <summary>The close code of the server's close frame; null when the connection dropped without one.</summary>
    public WebSocketCloseStatus? CloseStatus { get; }

    /// <summary>The close frame's reason text.</summary>
    public string? CloseStatusDescription { get; }
}
