namespace Consumers.Clients;

/// <summary>
/// The connection state of a generated .NET client (<see cref="ConsumerClient.State"/>), as the JavaScript client's:
/// a dropped connection goes <see cref="Closed"/>, <see cref="Connecting"/>, then <see cref="Resumed"/>,
/// <see cref="Recovered"/> or <see cref="Open"/> (docs/protocol.md, "Resumable connections").
/// </summary>
public enum ConsumerClientState
{
    /// <summary>Opening a socket (a reconnect after a drop).</summary>
    Connecting,

    /// <summary>A session runs: the first one, or a new one after a drop (subscriptions re-sent, calls in flight failed).</summary>
    Open,

    /// <summary>The server kept the session across the drop: nothing was lost, calls in flight get their replies.</summary>
    Resumed,

    /// <summary>Another node rebuilt the session: subscriptions re-sent, missed group messages replayed, calls in flight failed.</summary>
    Recovered,

    /// <summary>No socket runs: dropped (reconnecting follows unless disposed or <see cref="ConsumerClientOptions.Reconnect"/> is off), or disposed.</summary>
    Closed,
}
