using System.Net.WebSockets;

namespace Consumers.Clients;

/// <summary>Options of a generated .NET client's connection.</summary>
public sealed class ConsumerClientOptions
{
    /// <summary>The stream name on a multiplexed endpoint (frames are <c>{"stream", "payload"}</c>); null on a plain endpoint.</summary>
    public string? Stream { get; init; }

    /// <summary>Configures the socket before it connects (headers, cookies, sub-protocols).</summary>
    public Action<ClientWebSocketOptions>? Configure { get; init; }

    /// <summary>
    /// Opens the connected socket instead of a <see cref="ClientWebSocket"/> (then <see cref="Configure"/> is not
    /// used): Consumers.Testing sets it to run a client over a test server's in-process socket. It receives the URI
    /// given to <c>ConnectAsync</c> and its cancellation token, and throws when the handshake fails.
    /// </summary>
    public Func<Uri, CancellationToken, Task<WebSocket>>? ConnectSocket { get; init; }

    /// <summary>
    /// How long a call waits for its reply, and a streaming call for each of its frames. Default 30 seconds. A
    /// concurrent action or a stream given up on this way is sent <c>$cancel</c>.
    /// </summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
