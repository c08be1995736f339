namespace Consumers.Benchmarks.Streaming;

/// <summary>One measured run of one streaming load against one server.</summary>
internal sealed record StreamResult(
    StreamTarget Target,
    StreamLoad Load,
    int Round,
    int Calls,
    long ExpectedItems,
    long Items,
    long OutOfOrder,
    int Failed,
    int Refused,
    string? FirstError,
    double Seconds,
    double ServerCpuSeconds,
    double ClientCpuSeconds,
    long ServerContextSwitches,
    Fanout.Allocations ServerAllocations,
    long Bytes,
    long Frames,
    long PeakRssKiB,
    double SettleSeconds,
    double HostStealSeconds,
    string? SampleItem)
{
    public double ItemsPerSecond => Items / Seconds;

    public double CpuMicrosecondsPerItem => ServerCpuSeconds * 1e6 / Math.Max(1, Items);

    /// <summary>The server's context switches (all its threads, voluntary and involuntary) per item: how often its threads parked and woke.</summary>
    public double ContextSwitchesPerItem => (double)ServerContextSwitches / Math.Max(1, Items);

    /// <summary>Bytes the server allocated per item (managed heap, <see cref="GC.GetTotalAllocatedBytes(bool)"/>).</summary>
    public double AllocatedBytesPerItem => (double)ServerAllocations.AllocatedBytes / Math.Max(1, Items);

    /// <summary>The load tool's own CPU per item, which competes with the server for the same cores.</summary>
    public double ClientCpuMicrosecondsPerItem => ClientCpuSeconds * 1e6 / Math.Max(1, Items);

    /// <summary>WebSocket payload bytes received per item (envelopes, SignalR's separators and array brackets included).</summary>
    public double BytesPerItem => (double)Bytes / Math.Max(1, Items);

    /// <summary>Items per WebSocket message that carried any.</summary>
    public double ItemsPerFrame => (double)Items / Math.Max(1, Frames);

    /// <summary>Items expected but not received in calls that ended (well or not).</summary>
    public long Lost => ExpectedItems - Items;

    /// <summary>The share of the machine's CPU (all cores, over the run) the hypervisor took.</summary>
    public double HostStealShare => HostStealSeconds / Math.Max(1e-9, Seconds * ProcStat.OnlineCores);
}
