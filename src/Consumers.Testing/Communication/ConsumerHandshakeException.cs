namespace Consumers.Testing.Communication;

/// <summary>
/// Thrown when the server refuses the WebSocket handshake: the HTTP status says why (401 not authenticated, 403 a
/// refused origin, permission or <c>OnConnectAsync</c>, 400 a bad route value, 429 the connection limit, 404 no endpoint).
/// </summary>
public sealed class ConsumerHandshakeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The path that was requested.</param>
    /// <param name="statusCode">The HTTP status of the refusal.</param>
    /// <param name="innerException">The test server's exception.</param>
    public ConsumerHandshakeException(string path, int statusCode, Exception? innerException)
        : base($"The server refused the WebSocket handshake of {path} with HTTP {statusCode}.", innerException)
    {
        Path = path;
        StatusCode = statusCode;
    }

    /// <summary>The path (with query) that was requested.</summary>
    public string Path { get; }

    /// <summary>The HTTP status code the server answered instead of 101.</summary>
    public int StatusCode { get; }
}
