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

    /// <summary>
    /// Reconnects after the connection drops or the server closes it, waiting <see cref="RetryDelay"/>, doubled after
    /// each failed attempt up to <see cref="MaxRetryDelay"/>, as the JavaScript client does. Default true; false: a
    /// call on a closed connection throws <see cref="WebSocketException"/>.
    /// </summary>
    public bool Reconnect { get; init; } = true;

    /// <summary>
    /// Offers the <c>consumers.resume</c> subprotocol: after a drop the client comes back with its session's token and
    /// loses no frame when the server still holds the session (<see cref="ConsumerClientState.Resumed"/>). Default true;
    /// false opts out. Without <see cref="Reconnect"/> it has no effect.
    /// </summary>
    public bool Resume { get; init; } = true;

    /// <summary>The first reconnect delay. Default 500 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest reconnect delay. Default 8 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Calls made while reconnecting wait for the next socket, at most this many; one more throws
    /// <see cref="WebSocketException"/> saying so. Default 100.
    /// </summary>
    public int MaxBufferedCalls { get; init; } = 100;

    /// <summary>Called on every change of <see cref="ConsumerClient.State"/> (from the receive loop's thread).</summary>
    public Action<ConsumerClientState>? OnStateChanged { get; init; }

    // The address the client connected to, for its reconnects (a copy of the options per client).
    internal Uri? ConnectedUri { get; private init; }

    internal ConsumerClientOptions For(Uri uri) => new()
    {
        Stream = Stream,
        Configure = Configure,
        ConnectSocket = ConnectSocket,
        ReplyTimeout = ReplyTimeout,
        Reconnect = Reconnect,
        Resume = Resume,
        RetryDelay = RetryDelay,
        MaxRetryDelay = MaxRetryDelay,
        MaxBufferedCalls = MaxBufferedCalls,
        OnStateChanged = OnStateChanged,
        ConnectedUri = uri,
    };
}
