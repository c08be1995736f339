namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// Runs the fan-out loads round by round; within a round, for each load, the servers alternate, and the order rotates
/// from round to round, so that drift of the shared machine spreads over all of them.
/// </summary>
internal static class FanoutBenchmark
{
    public static async Task<(List<FanoutResult> Load, List<IdleResult> Idle)> RunAsync(FanoutSettings settings, CancellationToken cancellationToken)
    {
        var targets = settings.Targets.ToArray();

        // The batching subprotocol changes what is sent, not what an idle connection holds: idle runs the three servers.
        var idleTargets = settings.Idle ? targets.Where(t => t is not (FanoutTarget.ConsumersBatch or FanoutTarget.ConsumersResume or FanoutTarget.ConsumersResumeSparseAcks)).ToArray() : [];
        var load = new List<FanoutResult>();
        var idle = new List<IdleResult>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            var order = RoundOrder.Rotate(targets, round);
            foreach (var fanoutLoad in settings.Loads)
            {
                foreach (var target in order)
                {
                    var result = await FanoutTrial.RunAsync(target, fanoutLoad, round, settings, cancellationToken).ConfigureAwait(false);
                    Console.Error.WriteLine($"round {round} {fanoutLoad.Name} {target}: {result.DeliveredPerSecond:N0} msg/s, " +
                        $"{result.CpuMicrosecondsPerDelivery:N3} µs CPU/delivery, p50 {result.P50Microseconds:N0} µs, p99 {result.P99Microseconds:N0} µs, " +
                        $"{result.DeliveriesPerFrame:N1} deliveries/frame, {result.ContextSwitchesPerDelivery:0.00} context switches/delivery, lost {result.Lost}, closed {result.ClientsClosed}, settled in {result.SettleSeconds:N1} s, host steal {result.HostStealShare:P0}" +
                        $"{(target == FanoutTarget.ConsumersBatch ? $", {result.ClientsWithSubprotocol} clients got {LoadClient.BatchSubprotocol}" : string.Empty)}" +
                        $"{(result.TimedOut ? ", TIMED OUT" : string.Empty)}");
                    load.Add(result);
                }
            }

            foreach (var target in RoundOrder.Rotate(idleTargets, round))
            {
                var result = await FanoutTrial.RunIdleAsync(target, round, settings, cancellationToken).ConfigureAwait(false);
                Console.Error.WriteLine($"round {round} idle {target}: RSS {result.KiBPerConnection:N1} KiB/connection with no GC forced, " +
                    $"{result.CollectedKiBPerConnection:N1} after a forced GC; managed {result.ManagedKiBPerConnection:N1} KiB/connection, GC heap {result.HeapKiBPerConnection:N1}");
                idle.Add(result);
            }
        }

        return (load, idle);
    }
}
