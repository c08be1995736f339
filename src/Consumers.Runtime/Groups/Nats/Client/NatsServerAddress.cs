namespace Consumers.Groups.Nats.Client;

/// <summary>A NATS server endpoint (host and port) parsed from <c>nats://host:port</c> or <c>host:port</c>.</summary>
internal sealed record NatsServerAddress(string Host, int Port)
{
    public const int DefaultPort = 4222;

    /// <summary>Parses a seed URL or an INFO <c>connect_urls</c> entry.</summary>
    /// <exception cref="ArgumentException">The text is not a plain <c>nats://</c> address.</exception>
    public static NatsServerAddress Parse(string url)
    {
        if (!TryParse(url, out var address, out var error))
        {
            throw new ArgumentException($"Invalid NATS server URL '{url}': {error}", nameof(url));
        }

        return address;
    }

    public static bool TryParse(string? url, out NatsServerAddress address, out string error)
    {
        address = null!;
        if (string.IsNullOrWhiteSpace(url))
        {
            error = "the URL is empty.";
            return false;
        }

        var text = url.Trim();
        // connect_urls in INFO come without a scheme; seeds usually carry one.
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "nats://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            error = "it is not a valid URL.";
            return false;
        }

        if (!string.Equals(uri.Scheme, "nats", StringComparison.OrdinalIgnoreCase))
        {
            // TLS is not implemented by this client; refusing here beats a confusing handshake failure later.
            error = $"the scheme '{uri.Scheme}' is not supported (only nats:// without TLS).";
            return false;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            error = "credentials in the URL are not supported; set Username/Password or Token in the options.";
            return false;
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            error = "the host is missing.";
            return false;
        }

        address = new NatsServerAddress(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port);
        error = string.Empty;
        return true;
    }

    public override string ToString() => $"nats://{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}";
}
