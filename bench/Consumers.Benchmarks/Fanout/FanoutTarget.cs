namespace Consumers.Benchmarks.Fanout;

/// <summary>The chat-room servers of the fan-out benchmark, each run as its own process.</summary>
internal enum FanoutTarget
{
    /// <summary>The <see cref="RoomConsumer"/>; clients offer no subprotocol (one envelope per frame).</summary>
    Consumers,

    /// <summary>The same server; clients offer the <c>consumers.batch</c> subprotocol (a frame may be a JSON array of envelopes).</summary>
    ConsumersBatch,

    /// <summary>
    /// The same server; clients offer the <c>consumers.resume</c> subprotocol (every frame counted and kept by the server
    /// until the client's <c>$ack</c>, sent every 50 frames): what resumable connections cost on the fan-out path.
    /// </summary>
    ConsumersResume,

    /// <summary>
    /// As <see cref="ConsumersResume"/>, the client acknowledging every 1,000 frames instead of 50: what numbering and
    /// keeping every frame costs, apart from reading the acknowledgements.
    /// </summary>
    ConsumersResumeSparseAcks,

    /// <summary>A SignalR hub with groups, JSON hub protocol over WebSockets.</summary>
    SignalR,

    /// <summary>A minimal Kestrel WebSocket broadcaster: one frame per message, one writer per socket.</summary>
    Raw,
}
