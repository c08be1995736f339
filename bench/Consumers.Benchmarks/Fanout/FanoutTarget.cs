namespace Consumers.Benchmarks.Fanout;

/// <summary>The three chat-room servers of the fan-out benchmark, each run as its own process.</summary>
internal enum FanoutTarget
{
    /// <summary>A Consumers consumer whose <c>say</c> action sends to the room's group.</summary>
    Consumers,

    /// <summary>A SignalR hub with groups, JSON hub protocol over WebSockets.</summary>
    SignalR,

    /// <summary>A minimal Kestrel WebSocket broadcaster: one frame per message, one writer per socket.</summary>
    Raw,
}
