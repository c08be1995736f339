namespace Consumers.Benchmarks;

/// <summary>
/// The <c>nats</c> benchmark: NATS.Client.Core as Consumers.Nats uses it (publish throughput, request round trips) and end-to-end
/// group sends through Consumers.Nats against the in-memory layer, all against its own loopback nats-server.
/// Repetitions of different cases are interleaved so that a noisy neighbour spreads over all of them rather
/// than biasing one.
/// </summary>
internal static class NatsBenchmark
{
    public static async Task<NatsResults> RunAsync(NatsBenchmarkSettings settings, string command, CancellationToken cancellationToken)
    {
        var results = new NatsResults { Machine = await MachineDescription.CollectAsync(command).ConfigureAwait(false), Settings = settings };
        await using var server = await NatsServerProcess.StartAsync().ConfigureAwait(false);
        Console.Error.WriteLine($"nats-server on {server.Url}");

        // Negative repetition numbers are the unrecorded warm-up.
        for (var rep = 1 - settings.WarmUpRounds; rep <= settings.ThroughputRepetitions; rep++)
        {
            var label = rep < 1 ? "warm-up" : $"rep {rep}";
            foreach (var size in settings.PayloadSizes)
            {
                var count = settings.ThroughputMessages[size];
                var pubSub = await PublishThroughput.MeasureAsync(server.Url, size, count, withSubscriber: true, settings.ThroughputTimeLimit, cancellationToken).ConfigureAwait(false);
                Console.Error.WriteLine($"pub/sub {size,5} B {label}: {pubSub.ReceiveRate,12:N0} msgs/s received, publisher {pubSub.PublishRate,12:N0} msgs/s, lost {pubSub.Lost}");
                var publishOnly = await PublishThroughput.MeasureAsync(server.Url, size, count, withSubscriber: false, settings.ThroughputTimeLimit, cancellationToken).ConfigureAwait(false);
                Console.Error.WriteLine($"pub-only {size,4} B {label}: {publishOnly.PublishRate,12:N0} msgs/s");
                if (rep >= 1)
                {
                    results.PubSub.Add(pubSub);
                    results.PublishOnly.Add(publishOnly);
                }
            }
        }

        foreach (var size in settings.PayloadSizes)
        {
            var latency = await RequestLatency.MeasureAsync(server.Url, size, settings.LatencyWarmUp, settings.LatencyRoundTrips, settings.LatencyTimeLimit, cancellationToken).ConfigureAwait(false);
            results.Latency.Add(latency);
            Console.Error.WriteLine($"round trip {size,4} B: p50 {latency.P50:N0} µs, p90 {latency.P90:N0} µs, p99 {latency.P99:N0} µs over {latency.Count}");
        }

        for (var round = 1 - settings.WarmUpRounds; round <= settings.GroupRounds; round++)
        {
            var label = round < 1 ? "warm-up" : $"round {round}";
            foreach (var setup in Enum.GetValues<GroupLayerSetup>())
            {
                var trial = await GroupSendTrial.RunAsync(setup, server, settings.GroupClients, settings.GroupMessages, settings.GroupWindow, settings.GroupTimeLimit, cancellationToken).ConfigureAwait(false);
                Console.Error.WriteLine($"group send {setup,-12} {label}: {trial.DeliveredPerSecond,12:N0} delivered/s, {trial.CpuMicrosecondsPerDelivery:0.000} µs CPU/delivery ({trial.NatsServerCpuMicrosecondsPerDelivery:0.000} nats-server), lost {trial.Lost}{(trial.ClientFailure is null ? string.Empty : ", " + trial.ClientFailure)}");
                if (round >= 1)
                {
                    results.GroupSend.Add(trial);
                }
            }
        }

        results.SlowConsumerReports = server.SlowConsumerReports;
        return results;
    }
}
