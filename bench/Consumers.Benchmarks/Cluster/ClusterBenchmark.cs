using Consumers.Benchmarks.Fanout;

namespace Consumers.Benchmarks.Cluster;

/// <summary>
/// The cluster benchmark (<c>build/bench.sh cluster</c>): for each round, each load, Consumers over NATS, SignalR
/// over its Redis backplane and the floor (raw broadcasters over core NATS, <see cref="RawRelay"/>), alternated (the order rotates per round), each run on fresh processes (<see cref="ClusterTrial"/>).
/// </summary>
internal static class ClusterBenchmark
{
    public static readonly FanoutTarget[] Targets = [FanoutTarget.Consumers, FanoutTarget.SignalR, FanoutTarget.Raw];

    public static async Task<List<ClusterResult>> RunAsync(FanoutSettings settings, CancellationToken cancellationToken)
    {
        var results = new List<ClusterResult>();
        FanoutTarget[] targets = [.. Targets.Where(settings.Targets.Contains)];
        for (var round = 0; round < settings.Rounds; round++)
        {
            foreach (var load in settings.Loads)
            {
                foreach (var target in RoundOrder.Rotate(targets, round))
                {
                    var result = await ClusterTrial.RunAsync(target, load, round, settings, cancellationToken).ConfigureAwait(false);
                    var run = result.Run;
                    Console.Error.WriteLine($"round {round} {load.Name} {target}: {run.DeliveredPerSecond:N0} msg/s, " +
                        $"{result.CpuMicrosecondsPerDelivery:N3} µs CPU/delivery (broker {result.BrokerMicrosecondsPerDelivery:N3}), " +
                        $"p50 {run.P50Microseconds:N0} µs, p99 {run.P99Microseconds:N0} µs, lost {run.Lost}, closed {run.ClientsClosed}, " +
                        $"host steal {run.HostStealShare:P0}{(run.TimedOut ? ", TIMED OUT" : string.Empty)}");
                    results.Add(result);
                }
            }
        }

        return results;
    }
}
