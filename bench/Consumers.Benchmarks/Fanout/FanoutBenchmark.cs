namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// Runs the fan-out scenarios round by round; within a round the three servers alternate, and the order rotates
/// from round to round, so that drift of the shared machine spreads over all of them.
/// </summary>
internal static class FanoutBenchmark
{
    public static async Task<(List<FanoutResult> Load, List<IdleResult> Idle)> RunAsync(FanoutSettings settings, CancellationToken cancellationToken)
    {
        var targets = Enum.GetValues<FanoutTarget>();
        var load = new List<FanoutResult>();
        var idle = new List<IdleResult>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            var order = targets.Skip(round % targets.Length).Concat(targets.Take(round % targets.Length)).ToArray();
            foreach (var paced in new[] { false, true })
            {
                foreach (var target in order)
                {
                    var result = await FanoutTrial.RunAsync(target, paced, round, settings, cancellationToken).ConfigureAwait(false);
                    Console.Error.WriteLine($"round {round} {(paced ? "paced" : "saturated")} {target}: {result.DeliveredPerSecond:N0} msg/s, " +
                        $"{result.CpuMicrosecondsPerDelivery:N3} µs CPU/delivery, p50 {result.P50Microseconds:N0} µs, p99 {result.P99Microseconds:N0} µs, " +
                        $"lost {result.Lost}, closed {result.ClientsClosed}{(result.TimedOut ? ", TIMED OUT" : string.Empty)}");
                    load.Add(result);
                }
            }

            foreach (var target in order)
            {
                var result = await FanoutTrial.RunIdleAsync(target, round, settings, cancellationToken).ConfigureAwait(false);
                Console.Error.WriteLine($"round {round} idle {target}: {result.KiBPerConnection:N1} KiB/connection");
                idle.Add(result);
            }
        }

        return (load, idle);
    }
}
