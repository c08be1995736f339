namespace Consumers.Benchmarks.Fanout;

/// <summary>One run of one load against one server.</summary>
internal sealed record FanoutResult(
    FanoutTarget Target,
    FanoutLoad Load,
    int Round,
    long Sent,
    long Expected,
    long Delivered,
    long Frames,
    long ArrayFrames,
    int ClientsWithSubprotocol,
    long OutOfOrder,
    double Seconds,
    double ServerCpuSeconds,
    double ClientCpuSeconds,
    double P50Microseconds,
    double P99Microseconds,
    long PeakRssKiB,
    int ClientsClosed,
    bool TimedOut,
    double SettleSeconds,
    double HostStealSeconds,
    long ServerContextSwitches,
    int ServerProcessors)
{
    /// <summary>The share of the machine's CPU (all cores, over the run) the hypervisor took: a busy host skews every figure of the run.</summary>
    public double HostStealShare => HostStealSeconds / Math.Max(1e-9, Seconds * ProcStat.OnlineCores);

    public long Lost => Expected - Delivered;

    public double DeliveredPerSecond => Delivered / Seconds;

    public double CpuMicrosecondsPerDelivery => ServerCpuSeconds * 1e6 / Math.Max(1, Delivered);

    /// <summary>
    /// The server's context switches (all its threads, voluntary and involuntary) per delivery: how often its threads
    /// parked and woke, which at a paced load costs more than the deliveries' own work.
    /// </summary>
    public double ContextSwitchesPerDelivery => (double)ServerContextSwitches / Math.Max(1, Delivered);

    /// <summary>The load tool's own CPU per delivery (all its clients), which competes with the server for the same cores.</summary>
    public double ClientCpuMicrosecondsPerDelivery => ClientCpuSeconds * 1e6 / Math.Max(1, Delivered);

    /// <summary>Deliveries per WebSocket message that carried any, as the clients saw them.</summary>
    public double DeliveriesPerFrame => (double)Delivered / Math.Max(1, Frames);
}
