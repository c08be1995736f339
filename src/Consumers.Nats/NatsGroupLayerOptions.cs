using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// Settings of the NATS group layer, bound from <c>Consumers:Nats</c> by <c>AddNatsGroupLayer(configuration)</c> or set
/// in code. Connection settings map onto NATS.Client.Core's <see cref="NatsOpts"/>; they are ignored when the
/// application hands the layer its own connection.
/// </summary>
public sealed class NatsGroupLayerOptions
{
    /// <summary>Seed servers, <c>nats://host:port</c>. Default <c>nats://127.0.0.1:4222</c>. The server's cluster URLs are added as learnt.</summary>
    public IList<string> Urls { get; set; } = ["nats://127.0.0.1:4222"];

    /// <summary>
    /// Whether to try the servers of <see cref="Urls"/> in their order, the first one first (NATS.Client.Core's
    /// <c>NoRandomize</c>). Default false: NATS shuffles the list, which spreads nodes over the servers. True lets each
    /// node of a deployment prefer its own (nearby) server and move on down the list when that one is down.
    /// </summary>
    public bool ServersInOrder { get; set; }

    /// <summary>
    /// First token of every subject this layer uses, so several applications can share a server. Default
    /// <c>consumers</c>. One subject token: letters, digits, <c>-</c> and <c>_</c>.
    /// </summary>
    public string SubjectPrefix { get; set; } = "consumers";

    /// <summary>User for user/password authentication.</summary>
    public string? Username { get; set; }

    /// <summary>Password for user/password authentication.</summary>
    public string? Password { get; set; }

    /// <summary>Token authentication.</summary>
    public string? Token { get; set; }

    /// <summary>A NATS credentials file (JWT and NKey seed), as written by <c>nsc</c>.</summary>
    public string? CredsFile { get; set; }

    /// <summary>A file holding an NKey seed (<c>SU...</c>) for NKey authentication.</summary>
    public string? NKeyFile { get; set; }

    /// <summary>TLS to the server (NATS.Client.Core's <see cref="NatsTlsOpts"/>).</summary>
    public NatsGroupLayerTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// Bytes of group and channel messages the layer's outbox holds while NATS is unreachable (payload and NATS
    /// headers), published after the reconnect in the order they were sent. Default 8 MiB (nats.go's figure). A send
    /// never waits for NATS: it goes into the outbox and the sender goes on. One that does not fit fails at once with
    /// <see cref="NatsGroupLayerUnavailableException"/>, logged with the group and counted
    /// (<c>consumers.nats.publish_failed</c>, <c>reason</c> = <c>outbox_full</c>); members on this node still get it.
    /// The last second of messages written before a loss is kept within the same bound and published again after the
    /// reconnect (with replay on).
    /// </summary>
    public int ReconnectBufferSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Longest a message waits in the outbox for NATS to come back. Default 60 seconds (as <see cref="ReplayWindow"/>).
    /// A message older than this when its turn comes is dropped, logged with the group and counted
    /// (<c>consumers.nats.publish_failed</c>, <c>reason</c> = <c>expired</c>); the sender was not kept waiting for it.
    /// Joins, leaves and sends never wait for NATS.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How far the nodes' clocks may disagree. A message from another node goes to the local members that joined no
    /// later than its send time (the sender's clock, in the message) plus this; members that joined after (this
    /// node's clock) do not get it, however late it arrives (a message held through an outage, or replayed). Default
    /// 1 second. A receiving node whose clock is ahead of the sender's by more than this withholds messages sent just
    /// after a member joined; one behind delivers messages sent up to this plus the difference before the join.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long start-up waits for the first connection. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Wait between reconnect attempts (NATS.Client.Core's <c>ReconnectWaitMin</c> and <c>ReconnectWaitMax</c>, plus up
    /// to a fifth of it as jitter). Default 100 ms, so the layer is back within about 250 ms of a server's return;
    /// NATS.Client.Core's own default is 2 s doubling to 5 s.
    /// </summary>
    public TimeSpan ReconnectWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Whether to keep group messages in a JetStream stream and replay them after a reconnect (default true). When
    /// the server has no JetStream (<c>nats-server</c> without <c>-js</c>) the layer falls back to core NATS and logs at
    /// start-up that delivery across an outage is at-most-once.
    /// </summary>
    public bool JetStream { get; set; } = true;

    /// <summary>
    /// How long the stream keeps each message (its <c>max_age</c>), which bounds the outage a node can recover from
    /// without loss. Default 60 seconds.
    /// </summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many servers of a NATS cluster keep the stream (its <c>num_replicas</c>, 1 to 5). Default 1, which is all a
    /// single server can hold. With 3 on a three-server cluster (as <c>build/run-chat.sh --cluster</c> runs it) the stream
    /// outlives the loss of any one server, so a node that reconnects to another server after its own died still
    /// replays what it missed. A stream that already exists is updated to this value at start-up; a cluster with fewer
    /// servers (or a single server asked for more than 1) cannot create the stream, and the layer runs without replay,
    /// saying why in its start-up log (event <c>NatsReplayUnavailable</c>).
    /// </summary>
    public int StreamReplicas { get; set; } = 1;

    /// <summary>Most messages of each subscription waiting for delivery to local members (default 65,536); the read loop waits beyond it.</summary>
    public int SubscriptionCapacity { get; set; } = 65_536;

    /// <summary>The JetStream stream's name: <c>{SubjectPrefix}-groups</c>.</summary>
    public string StreamName => SubjectPrefix + "-groups";

    internal void Validate()
    {
        if (Urls.Count == 0)
        {
            throw new ArgumentException("Consumers:Nats needs at least one server URL (Consumers:Nats:Url).");
        }

        if (string.IsNullOrEmpty(SubjectPrefix) || !SubjectPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"Consumers:Nats:SubjectPrefix \"{SubjectPrefix}\" must be one subject token of ASCII letters, digits, '-' and '_'.");
        }

        if (ReconnectBufferSize < 0)
        {
            throw new ArgumentException($"Consumers:Nats:ReconnectBufferSize = {ReconnectBufferSize} must be zero or more bytes.");
        }

        if (PublishTimeout <= TimeSpan.Zero || ReconnectWait <= TimeSpan.Zero || ConnectTimeout <= TimeSpan.Zero || ReplayWindow <= TimeSpan.Zero)
        {
            throw new ArgumentException("Consumers:Nats: PublishTimeout, ReconnectWait, ConnectTimeout and ReplayWindow must be positive.");
        }

        if (ClockSkew < TimeSpan.Zero)
        {
            throw new ArgumentException($"Consumers:Nats:ClockSkew = {ClockSkew} must be zero or more.");
        }

        if (StreamReplicas is < 1 or > 5)
        {
            throw new ArgumentException($"Consumers:Nats:StreamReplicas = {StreamReplicas} must be 1 to 5 (JetStream's limit).");
        }

        if (SubscriptionCapacity < 1)
        {
            throw new ArgumentException($"Consumers:Nats:SubscriptionCapacity = {SubscriptionCapacity} must be at least 1.");
        }
    }

    /// <summary>NATS.Client.Core options for a connection the layer owns.</summary>
    internal NatsOpts ToNatsOpts(string name, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory) => NatsOpts.Default with
    {
        Url = string.Join(',', Urls),
        NoRandomize = ServersInOrder,
        Name = name,
        Echo = false,
        AuthOpts = NatsAuthOpts.Default with
        {
            Username = Username,
            Password = Password,
            Token = Token,
            CredsFile = CredsFile,
            NKeyFile = NKeyFile,
        },
        TlsOpts = Tls.ToNatsTlsOpts(),
        LoggerFactory = loggerFactory,
        ReconnectWaitMin = ReconnectWait,
        ReconnectWaitMax = ReconnectWait,
        ReconnectJitter = ReconnectWait / 5,
        ConnectTimeout = ConnectTimeout,

        // The layer's own subscriptions wait when full (set per subscription); the client's internal ones (JetStream's
        // replay consumer) keep the default, so one nobody reads any more can never stall the read loop.
    };
}
