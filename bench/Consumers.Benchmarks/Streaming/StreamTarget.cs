namespace Consumers.Benchmarks.Streaming;

/// <summary>The servers of the stream benchmark, each run as its own process.</summary>
internal enum StreamTarget
{
    /// <summary>The <see cref="StreamConsumer"/>; the client offers no subprotocol (one envelope per frame).</summary>
    Consumers,

    /// <summary>The same server; the client offers <c>consumers.batch</c> (a frame may be a JSON array of envelopes).</summary>
    ConsumersBatch,

    /// <summary>The <see cref="StreamHub"/>, JSON hub protocol over WebSockets.</summary>
    SignalR,
}
