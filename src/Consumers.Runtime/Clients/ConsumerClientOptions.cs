using System.Net.WebSockets;

namespace Consumers.Clients;

/// <summary>Options of a generated .NET client's connection.</summary>
public sealed class ConsumerClientOptions
{
    /// <summary>The stream name on a multiplexed endpoint (frames are <c>{"stream", "payload"}</c>); null on a plain endpoint.</summary>
    public string? Stream { get; init; }

    /// <summary>Configures the socket before it connects (headers, cookies, sub-protocols).</summary>
    public Action<ClientWebSocketOptions>? Configure { get; init; }

    /// <summary>How long a call waits for its reply. Default 30 seconds.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
