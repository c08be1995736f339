namespace Consumers.Groups.Nats;

/// <summary>
/// Settings of the NATS group layer, bound from <c>Consumers:Nats</c> by <c>AddNatsGroupLayer(configuration)</c>
/// (<c>Url</c> or <c>Urls</c>, <c>SubjectPrefix</c>, <c>Username</c>, <c>Password</c>, <c>Token</c>,
/// <c>ReconnectBufferSize</c>) or set in code.
/// </summary>
public sealed class NatsGroupLayerOptions
{
    /// <summary>Seed servers, <c>nats://host:port</c>. Default <c>nats://127.0.0.1:4222</c>. The server's cluster URLs are added as learnt.</summary>
    public IList<string> Urls { get; set; } = ["nats://127.0.0.1:4222"];

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

    /// <summary>
    /// Bytes of group messages kept while the server is unreachable, sent after the reconnect. Default 8 MiB
    /// (nats.go's figure). Beyond it a group send fails with an exception, which is logged and counted
    /// (<c>consumers.nats.publish_failed</c>); messages to members on this node are still delivered.
    /// </summary>
    public int ReconnectBufferSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>How long start-up waits for the first connection. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

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
    }
}
