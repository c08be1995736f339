namespace Consumers.Benchmarks.Streaming;

/// <summary>How one call ended, as the client saw it.</summary>
/// <param name="Items">Stream items received (0 for a plain call).</param>
/// <param name="OutOfOrder">Items whose <c>seq</c> was not the one after the previous item's.</param>
/// <param name="Error">Null when the call ended well (a stream's end frame, a plain call's result); else what ended it.</param>
/// <param name="Refused">Whether the server refused to start it for too many running streams (Consumers' 429).</param>
/// <param name="SentAt">The <see cref="System.Diagnostics.Stopwatch"/> timestamp just before the request was sent.</param>
/// <param name="CompletedAt">The timestamp at which the receive loop read the call's last frame.</param>
internal sealed record CallOutcome(long Items, long OutOfOrder, string? Error, bool Refused, long SentAt, long CompletedAt)
{
    /// <summary>Request sent → last frame read, in microseconds.</summary>
    public double RoundTripMicroseconds => (CompletedAt - SentAt) * 1e6 / System.Diagnostics.Stopwatch.Frequency;
}
