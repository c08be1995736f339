namespace Consumers.Benchmarks.Fanout;

/// <summary>One run of the chat-room load against one server.</summary>
internal sealed record FanoutResult(
    FanoutTarget Target,
    bool Paced,
    int Round,
    long Sent,
    long Expected,
    long Delivered,
    long OutOfOrder,
    double Seconds,
    double ServerCpuSeconds,
    double P50Microseconds,
    double P99Microseconds,
    long PeakRssKiB,
    int ClientsClosed,
    bool TimedOut)
{
    public long Lost => Expected - Delivered;

    public double DeliveredPerSecond => Delivered / Seconds;

    public double CpuMicrosecondsPerDelivery => ServerCpuSeconds * 1e6 / Math.Max(1, Delivered);
}
