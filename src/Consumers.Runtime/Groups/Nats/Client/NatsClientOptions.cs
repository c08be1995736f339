namespace Consumers.Groups.Nats.Client;

/// <summary>Settings of <see cref="NatsConnection"/>. Defaults follow nats.go / nats.net.</summary>
internal sealed class NatsClientOptions
{
    /// <summary>Seed servers: <c>nats://host:port</c> or <c>host:port</c>. The pool grows with the server's <c>connect_urls</c>.</summary>
    public IList<string> Urls { get; set; } = new List<string> { "nats://127.0.0.1:4222" };

    /// <summary>Connection name shown by the server (<c>/connz</c>, logs).</summary>
    public string? Name { get; set; }

    /// <summary>Whether this connection receives its own publishes. False by default: a node serves its local members in-process.</summary>
    public bool Echo { get; set; }

    /// <summary>User for user/password authentication; requires <see cref="Password"/>.</summary>
    public string? Username { get; set; }

    /// <summary>Password for user/password authentication.</summary>
    public string? Password { get; set; }

    /// <summary>Token authentication (sent as <c>auth_token</c>). Exclusive with <see cref="Username"/>.</summary>
    public string? Token { get; set; }

    /// <summary>Bound on TCP connect + INFO + CONNECT/PING→PONG for one server.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Interval of client PINGs on the connection (2 min like the server's default).</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Unanswered client PINGs after which the connection is declared dead and reconnected.</summary>
    public int MaxPingsOut { get; set; } = 2;

    /// <summary>Pause after a full unsuccessful pass over the server pool.</summary>
    public TimeSpan ReconnectWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Random extra pause, 0..this, added to <see cref="ReconnectWait"/> so nodes do not reconnect in lock step.</summary>
    public TimeSpan ReconnectJitter { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Full passes over the pool before giving up and closing; -1 means never give up.</summary>
    public int MaxReconnectAttempts { get; set; } = -1;

    /// <summary>
    /// Bytes of commands kept while disconnected (8 MiB like nats.go). Publishes that would exceed it fail with
    /// <see cref="NatsReconnectBufferExceededException"/>; 0 makes every publish fail while disconnected.
    /// While connected the same figure is the back-pressure threshold: publishers wait for the socket to drain.
    /// </summary>
    public int ReconnectBufferSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Capacity of a channel-based subscription; messages beyond it are dropped and counted (slow consumer).</summary>
    public int SubscriptionChannelCapacity { get; set; } = 65_536;

    /// <summary>Bound on the final flush (PING→PONG) when the connection is disposed.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Keep the pool order instead of shuffling it.</summary>
    public bool NoRandomize { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Urls is null || Urls.Count == 0)
        {
            throw new ArgumentException("NatsClientOptions.Urls must contain at least one server URL.", nameof(Urls));
        }

        foreach (var url in Urls)
        {
            if (!NatsServerAddress.TryParse(url, out _, out var error))
            {
                throw new ArgumentException($"NatsClientOptions.Urls contains an invalid server URL '{url}': {error}", nameof(Urls));
            }
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"NatsClientOptions.ConnectTimeout must be positive (was {ConnectTimeout}).", nameof(ConnectTimeout));
        }

        if (PingInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"NatsClientOptions.PingInterval must be positive (was {PingInterval}).", nameof(PingInterval));
        }

        if (MaxPingsOut < 1)
        {
            throw new ArgumentException($"NatsClientOptions.MaxPingsOut must be at least 1 (was {MaxPingsOut}).", nameof(MaxPingsOut));
        }

        if (ReconnectWait < TimeSpan.Zero)
        {
            throw new ArgumentException($"NatsClientOptions.ReconnectWait must not be negative (was {ReconnectWait}).", nameof(ReconnectWait));
        }

        if (ReconnectJitter < TimeSpan.Zero)
        {
            throw new ArgumentException($"NatsClientOptions.ReconnectJitter must not be negative (was {ReconnectJitter}).", nameof(ReconnectJitter));
        }

        if (MaxReconnectAttempts < -1)
        {
            throw new ArgumentException($"NatsClientOptions.MaxReconnectAttempts must be -1 (unlimited) or at least 0 (was {MaxReconnectAttempts}).", nameof(MaxReconnectAttempts));
        }

        if (ReconnectBufferSize < 0)
        {
            throw new ArgumentException($"NatsClientOptions.ReconnectBufferSize must not be negative (was {ReconnectBufferSize}).", nameof(ReconnectBufferSize));
        }

        if (SubscriptionChannelCapacity < 1)
        {
            throw new ArgumentException($"NatsClientOptions.SubscriptionChannelCapacity must be at least 1 (was {SubscriptionChannelCapacity}).", nameof(SubscriptionChannelCapacity));
        }

        if (DrainTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"NatsClientOptions.DrainTimeout must not be negative (was {DrainTimeout}).", nameof(DrainTimeout));
        }

        if (!string.IsNullOrEmpty(Username) && Password is null)
        {
            throw new ArgumentException("NatsClientOptions.Password must be set when Username is set.", nameof(Password));
        }

        if (string.IsNullOrEmpty(Username) && Password is not null)
        {
            throw new ArgumentException("NatsClientOptions.Username must be set when Password is set.", nameof(Username));
        }

        if (!string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Token))
        {
            throw new ArgumentException("NatsClientOptions.Token and Username/Password are mutually exclusive.", nameof(Token));
        }

        if (Name is not null && Name.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("NatsClientOptions.Name must not contain line breaks.", nameof(Name));
        }
    }
}
