namespace Consumers.Benchmarks.Streaming;

/// <summary>
/// One latency run: quick requests on a connection running a slow concurrent action (busy) and, interleaved with them,
/// on a second, idle connection of the same server.
/// </summary>
/// <param name="Target">The server.</param>
/// <param name="Round">The round.</param>
/// <param name="IdleMicroseconds">Round trips on the idle connection.</param>
/// <param name="BusyMicroseconds">Round trips on the busy connection.</param>
/// <param name="AnsweredWhileSlowRan">Busy requests answered before the slow action's answer arrived.</param>
/// <param name="SlowSeconds">The slow action's round trip.</param>
/// <param name="Error">The first failure (a request not answered well, the slow action's error), or null.</param>
internal sealed record LatencyResult(StreamTarget Target, int Round, double[] IdleMicroseconds, double[] BusyMicroseconds, int AnsweredWhileSlowRan, double SlowSeconds, string? Error)
{
    public double IdleP50 => Percentiles.Of(IdleMicroseconds, 50);

    public double IdleP99 => Percentiles.Of(IdleMicroseconds, 99);

    public double BusyP50 => Percentiles.Of(BusyMicroseconds, 50);

    public double BusyP99 => Percentiles.Of(BusyMicroseconds, 99);

    public double BusyMax => BusyMicroseconds.Length == 0 ? double.NaN : BusyMicroseconds.Max();
}
