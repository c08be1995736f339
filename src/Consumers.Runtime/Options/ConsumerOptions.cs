namespace Consumers;

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

    /// <summary>
    /// Bytes that may wait in one connection's send queue, counted per frame (a group message shared by many
    /// connections counts in full on each). Default 1 MiB (1,048,576). Past it the client is closed with 1008 as when
    /// <see cref="SendQueueCapacity"/> is reached. One frame larger than this is still sent when nothing else waits.
    /// The same number bounds the notification-handler and permission work waiting per connection (in pieces of work:
    /// <see cref="SendQueueCapacity"/>).
    /// </summary>
    public int SendQueueMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Observer and instance subscriptions one consumer may hold (distinct <c>request_id</c>s over all its observer
    /// groups). Default 100. One more is answered with 429 <c>["Too many subscriptions: at most 100 per consumer."]</c>
    /// and the connection stays open; re-subscribing an existing request id does not count.
    /// </summary>
    public int MaxSubscriptionsPerConsumer { get; set; } = 100;

    /// <summary>
    /// Concurrent actions (<c>[Action(Concurrent = true)]</c>, DCRF's <c>detached=True</c>) that may run at once on one
    /// connection, over all its consumers. Default 4, as SignalR's <c>MaximumParallelInvocationsPerClient</c> bounds a
    /// client's parallel hub calls. One more waits, in order, until one finishes: the messages behind it wait inside the
    /// read-ahead bound, which then pushes back on the socket (TCP flow control), so nothing is refused or lost.
    /// </summary>
    public int MaxConcurrentActionsPerConnection { get; set; } = 4;

    /// <summary>
    /// Streaming actions (returning <c>IAsyncEnumerable&lt;T&gt;</c> or <c>ChannelReader&lt;T&gt;</c>) that may run at
    /// once on one connection. Default 10. One more is answered with 429
    /// <c>["Too many streams: at most 10 per connection."]</c> and the connection stays open.
    /// </summary>
    public int MaxConcurrentStreamsPerConnection { get; set; } = 10;

    /// <summary>
    /// Observer and instance subscriptions one authenticated user (by its <c>NameIdentifier</c> claim, else <c>sub</c>,
    /// else its name) may hold over all of its connections on this node. Default 500; zero: unlimited. One more is
    /// answered with 429 <c>["Too many subscriptions: at most 500 per user."]</c> and the connection stays open; an
    /// unsubscribe or a closed connection gives its subscriptions back. Every subscription gets its own copy of each
    /// notification, so without it one account could make each change cost <see cref="MaxConnectionsPerUser"/> times
    /// <see cref="MaxSubscriptionsPerConsumer"/> frames (10,000 by default). Counted per node, as
    /// <see cref="MaxConnectionsPerUser"/> is: a user spread over n nodes may hold n times as many. Anonymous
    /// connections are not counted (the per-consumer and per-address limits bound them).
    /// </summary>
    public int MaxSubscriptionsPerUser { get; set; } = 500;

    /// <summary>
    /// Whether the DataAnnotations (<c>[Required]</c>, <c>[Range]</c>, <c>[StringLength]</c>, any <c>ValidationAttribute</c>,
    /// <c>IValidatableObject</c>) of every action's DTO arguments are checked before the action runs. Default true. The
    /// checks are code the source generator writes (no reflection); a DTO that fails them is answered with 400 and DRF's
    /// <c>[{"field": ["message"]}]</c> under the wire names, nested members nested as DRF nests serializer errors.
    /// </summary>
    public bool ValidateDataAnnotations { get; set; } = true;

    /// <summary>The global filters' factories (<c>o.AddFilter&lt;T&gt;()</c>), in order; each makes one filter per connection from its scope.</summary>
    internal List<Func<IServiceProvider, object>> Filters { get; } = [];

    /// <summary>Maximum nesting depth of incoming JSON. Default 64 (System.Text.Json's default).</summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>
    /// How long the server waits for the client's close frame (and for queued frames to drain) after it
    /// starts a close, before it aborts the socket. Default 5 seconds.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Interval of WebSocket keep-alive pings sent by the server. Default 30 seconds; zero disables them.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Origins (<c>scheme://host[:port]</c>, as browsers send them in <c>Origin</c>) whose pages may open a socket
    /// besides the application's own; <c>*</c> allows any. The application's own origin is always allowed: the
    /// request's scheme with the host and port of its <c>Host</c> header. All three parts must match, as browsers
    /// define an origin (RFC 6454): a page on another port or scheme of the same host is another site here, even
    /// though browsers send it the host's <c>SameSite=Strict</c> cookies. ASP.NET Core's <c>AllowedHosts</c> names
    /// no origins (a host alone is not enough); where it is <c>*</c> or absent, the own-origin rule trusts the
    /// <c>Host</c> header (a DNS-rebinding page sends a matching one) and a warning is logged at start-up. Behind a
    /// proxy that ends TLS, use <c>UseForwardedHeaders</c> so the request's scheme is the page's, or list the origin
    /// here. A refused origin gets HTTP 403 and no socket. A handshake without an <c>Origin</c> header (a
    /// non-browser client) is always allowed, as ASP.NET Core's <c>WebSocketOptions.AllowedOrigins</c> does.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// Messages a connection may send per second, sustained (a token bucket refilled at this rate). Default 100;
    /// zero disables the limit. A message over the limit gets a 429 envelope <c>["Request was throttled."]</c>
    /// (DRF's throttling text) and is not handled; the connection stays open.
    /// The limit measures the client, not the server: messages the client sent while the connection did not read
    /// (its read-ahead full behind slow actions) are not charged when they are read later as one burst.
    /// </summary>
    public double RateLimitPerSecond { get; set; } = 100;

    /// <summary>Messages a connection may send back to back after a quiet period (the bucket size). Default 200.</summary>
    public int RateLimitBurst { get; set; } = 200;

    /// <summary>
    /// Throttled messages within 10 seconds after which the connection is closed with 1008 (policy violation):
    /// a client that ignores its 429s. Default 500; zero never closes.
    /// </summary>
    public int RateLimitAbuseThreshold { get; set; } = 500;

    /// <summary>Open connections on this node. Default 10,000; zero: unlimited. Further handshakes get HTTP 503.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// Open connections of one authenticated user on this node, the user identified as <c>SendToUserAsync</c> identifies
    /// it: its <c>NameIdentifier</c> claim, else a JWT's <c>sub</c> claim, else its name (a cookie and a token of one user
    /// count together). Default 100 (many tabs, never an attacker's thousands); zero: unlimited. Further handshakes get
    /// HTTP 429.
    /// </summary>
    public int MaxConnectionsPerUser { get; set; } = 100;

    /// <summary>
    /// Open connections from one client IP address on this node (an IPv6 address counts with its whole /64), authenticated or not. Default 1,000 (generous
    /// because many users can share an address behind NAT or a proxy; behind a reverse proxy, use
    /// <c>UseForwardedHeaders</c> so the address is the client's); zero: unlimited. Further handshakes get HTTP 429.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; } = 1_000;

    /// <summary>
    /// Longest time from the upgrade request to the accepted socket: authorization, <c>OnConnectAsync</c> and
    /// joining the declared groups. Default 10 seconds. Past it, the handshake is answered with HTTP 503 and
    /// <c>OnConnectAsync</c>'s token is cancelled. (Slow request headers are Kestrel's <c>RequestHeadersTimeout</c>.)
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Closes a connection (status 1000, "Idle timeout") when the client sends no message for this long;
    /// keep-alive pongs do not count. Default zero: off, since clients that only listen to group messages are idle
    /// by design. Set it to reclaim sockets of clients that went away without a TCP reset.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Longest time from the first part of an incoming message (its first frame, or the first bytes of a large frame)
    /// to its last. Default 30 seconds, enough for a <see cref="MaxMessageSize"/> message at 35 KB/s; zero: off.
    /// Past it the connection is closed with 1008 (policy violation), so a client cannot hold a half-sent message's
    /// buffer forever. Unlike <see cref="IdleTimeout"/>, frames that keep arriving do not extend it.
    /// </summary>
    public TimeSpan FragmentedMessageTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the session of a client of the <c>consumers.resume</c> subprotocol is kept after its socket drops (a TCP
    /// reset or a failed write, not a close): its consumers stay in their groups and subscriptions, and what they send
    /// is kept for the client, which may come back with its resume token and get every frame it missed (docs/protocol.md,
    /// "Resumable connections"). At the end of the window the consumers' <c>OnDisconnectAsync</c> runs. Default 30
    /// seconds, as SignalR's stateful reconnect buffers for a while and Socket.IO's connection-state recovery keeps
    /// a session two minutes; zero turns resume off (the subprotocol is then not selected).
    /// </summary>
    public TimeSpan ResumeWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bytes of frames sent and not yet acknowledged that one resumable session keeps at most (a frame counts its bytes
    /// plus 32). While connected it is the send window: further frames wait in the send queue for the client's
    /// <c>$ack</c>; a client that does not acknowledge is closed with 1008 "Resume buffer full" once the send queue is
    /// full too. A parked session past it ends (it cannot be resumed; memory does not grow). Default 256 KiB (SignalR's stateful reconnect buffers 100,000
    /// bytes); at least 1,024.
    /// </summary>
    public int ResumeBufferBytes { get; set; } = 256 * 1024;

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

        if (SendQueueMaxBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(SendQueueMaxBytes), SendQueueMaxBytes, "SendQueueMaxBytes must be at least 1,024 bytes.");
        }

        if (MaxSubscriptionsPerConsumer < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSubscriptionsPerConsumer), MaxSubscriptionsPerConsumer, "MaxSubscriptionsPerConsumer must be at least 1.");
        }

        if (MaxConcurrentActionsPerConnection < 1 || MaxConcurrentStreamsPerConnection < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentActionsPerConnection), "MaxConcurrentActionsPerConnection and MaxConcurrentStreamsPerConnection must be at least 1.");
        }

        if (MaxJsonDepth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxJsonDepth), MaxJsonDepth, "MaxJsonDepth must be at least 1.");
        }

        if (RateLimitPerSecond < 0 || double.IsNaN(RateLimitPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(RateLimitPerSecond), RateLimitPerSecond, "RateLimitPerSecond must be zero (off) or positive.");
        }

        if (RateLimitBurst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RateLimitBurst), RateLimitBurst, "RateLimitBurst must be at least 1.");
        }

        if (RateLimitAbuseThreshold < 0 || MaxConnections < 0 || MaxConnectionsPerUser < 0 || MaxConnectionsPerAddress < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConnections), "Connection limits and RateLimitAbuseThreshold must be zero (off) or positive.");
        }

        if (MaxSubscriptionsPerUser < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSubscriptionsPerUser), MaxSubscriptionsPerUser, "MaxSubscriptionsPerUser must be zero (off) or positive.");
        }

        if (HandshakeTimeout <= TimeSpan.Zero || IdleTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), "HandshakeTimeout must be positive and IdleTimeout zero (off) or positive.");
        }

        if (ResumeWindow < TimeSpan.Zero || ResumeBufferBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(ResumeWindow), "ResumeWindow must be zero (off) or positive and ResumeBufferBytes at least 1,024 bytes.");
        }

        if (FragmentedMessageTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FragmentedMessageTimeout), FragmentedMessageTimeout, "FragmentedMessageTimeout must be zero (off) or positive.");
        }
    }
}
