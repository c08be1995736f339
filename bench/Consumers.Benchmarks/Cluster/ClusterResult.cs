using Consumers.Benchmarks.Fanout;

namespace Consumers.Benchmarks.Cluster;

/// <summary>
/// One run of the cluster benchmark: the fan-out figures (<see cref="Run"/>, whose server CPU is that of both app
/// nodes and the broker together) and the broker's part of that CPU.
/// </summary>
internal sealed record ClusterResult(FanoutResult Run, double BrokerCpuSeconds)
{
    /// <summary>CPU of both app nodes and the broker per delivery, in microseconds.</summary>
    public double CpuMicrosecondsPerDelivery => Run.CpuMicrosecondsPerDelivery;

    /// <summary>The broker's share of <see cref="CpuMicrosecondsPerDelivery"/>.</summary>
    public double BrokerMicrosecondsPerDelivery => BrokerCpuSeconds * 1e6 / Math.Max(1, Run.Delivered);
}
