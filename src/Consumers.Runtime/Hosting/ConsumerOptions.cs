namespace Consumers.Hosting;

/// <summary>
/// Limits and timeouts of consumer connections. Bind from configuration section <c>Consumers</c> or set in
/// <c>AddConsumers(options => ...)</c>.
/// </summary>
public sealed class ConsumerOptions
{
    /// <summary>
    /// Largest incoming message in bytes, after fragmented frames are reassembled. Default 1 MiB (1,048,576).
    /// A larger message gets a 400 envelope naming the limit, then the connection is closed with 1009.
    /// </summary>
    public int MaxMessageSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Frames that may wait in one connection's send queue. Default 1,024. A client that stops reading until
    /// its queue is full is closed with 1008 (policy violation) and counted; no other client is slowed.
    /// </summary>
    public int SendQueueCapacity { get; set; } = 1024;

    /// <summary>Maximum nesting depth of incoming JSON. Default 64 (System.Text.Json's default).</summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>
    /// How long the server waits for the client's close frame (and for queued frames to drain) after it
    /// starts a close, before it aborts the socket. Default 5 seconds.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Interval of WebSocket keep-alive pings sent by the server. Default 30 seconds; zero disables them.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (MaxMessageSize < 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, "MaxMessageSize must be at least 64 bytes.");
        }

        if (SendQueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SendQueueCapacity), SendQueueCapacity, "SendQueueCapacity must be at least 1.");
        }

        if (MaxJsonDepth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxJsonDepth), MaxJsonDepth, "MaxJsonDepth must be at least 1.");
        }
    }
}
