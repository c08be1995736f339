using System.Diagnostics;
using Consumers.Benchmarks.Fanout;

namespace Consumers.Benchmarks.Cluster;

/// <summary>
/// One run of the cluster benchmark against fresh processes: a broker (nats-server with JetStream for Consumers,
/// redis-server for SignalR) and two app nodes on it (<see cref="ClusterServer"/>). Each room's clients alternate
/// between the nodes (client c of a room on node c mod 2), so every room has members on both and its senders (the
/// first clients of the room) sit on both; every message goes to every client of its room, across the broker for half
/// of them. The warm-up, the paced and saturated sending and the drain are the fan-out benchmark's
/// (<see cref="FanoutTrial"/>); CPU is the sum over both nodes and the broker.
/// </summary>
internal static class ClusterTrial
{
    public static async Task<ClusterResult> RunAsync(FanoutTarget target, FanoutLoad load, int round, FanoutSettings settings, CancellationToken cancellationToken)
    {
        NatsServerProcess? nats = null;
        RedisServerProcess? redis = null;
        if (target == FanoutTarget.SignalR)
        {
            redis = await RedisServerProcess.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            nats = await NatsServerProcess.StartAsync().ConfigureAwait(false);
        }

        var broker = nats?.Url ?? redis!.ConnectionString;
        double BrokerCpu() => nats?.CpuSeconds() ?? redis!.CpuSeconds();
        var name = target.ToString().ToLowerInvariant();
        ServerProcess? first = null;
        ServerProcess? second = null;
        var latencies = new LatencyHistogram();
        var rooms = new LoadClient[settings.Rooms][];
        var all = new List<LoadClient>();
        var senders = new List<(LoadClient Client, int Room)>();
        try
        {
            first = await ServerProcess.StartAsync($"{target} node 1", ["cluster-server", name, broker], null, cancellationToken).ConfigureAwait(false);
            second = await ServerProcess.StartAsync($"{target} node 2", ["cluster-server", name, broker], null, cancellationToken).ConfigureAwait(false);
            ServerProcess[] nodes = [first, second];
            var senderCount = settings.Rooms * settings.SendersPerRoom;
            for (var r = 0; r < settings.Rooms; r++)
            {
                var tasks = Enumerable.Range(0, settings.ClientsPerRoom)
                    .Select(c => LoadClient.ConnectAsync(target, nodes[c % 2].Port, "r" + r, latencies, senderCount, cancellationToken));
                rooms[r] = await Task.WhenAll(tasks).ConfigureAwait(false);
                all.AddRange(rooms[r]);
                for (var s = 0; s < settings.SendersPerRoom; s++)
                {
                    rooms[r][s].BecomeSender(senders.Count, load.PayloadBytes);
                    senders.Add((rooms[r][s], r));
                }
            }

            // Joins cross the broker asynchronously: the warm-up probes until every client got one.
            await FanoutTrial.WarmUpAsync(senders, rooms, load, settings, cancellationToken).ConfigureAwait(false);
            var settled = 0.0;
            foreach (var node in nodes)
            {
                settled += await node.WaitUntilQuietAsync(settings.SettleTimeout, cancellationToken).ConfigureAwait(false);
            }

            latencies.Clear();
            foreach (var client in all)
            {
                client.ResetCounters();
            }

            var sentBefore = senders.Sum(s => s.Client.Sent);
            var nodeCpuBefore = nodes.Sum(n => n.CpuSeconds());
            var brokerCpuBefore = BrokerCpu();
            var switchesBefore = nodes.Select(n => n.ContextSwitchesByThread()).ToArray();
            var stealBefore = ProcStat.HostStealSeconds();
            var clientCpuBefore = ProcStat.CpuSecondsOf("self");
            var started = Stopwatch.GetTimestamp();
            if (load.Paced)
            {
                await FanoutTrial.PaceAsync(senders, load, settings.PacedDuration, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                stop.CancelAfter(settings.SaturatedDuration);
                await Task.WhenAll(senders.Select(s => FanoutTrial.SaturateAsync(s.Client, load.Window, settings, stop.Token))).ConfigureAwait(false);
            }

            var sent = senders.Sum(s => s.Client.Sent) - sentBefore;
            var expected = sent * settings.ClientsPerRoom;
            var timedOut = !await FanoutTrial.DrainAsync(all, expected, settings.DrainTimeout, cancellationToken).ConfigureAwait(false);
            var brokerCpu = BrokerCpu() - brokerCpuBefore;
            var cpu = nodes.Sum(n => n.CpuSeconds()) - nodeCpuBefore + brokerCpu;
            var switches = nodes.Select((n, i) => n.ContextSwitchesSince(switchesBefore[i])).Sum();
            var steal = ProcStat.HostStealSeconds() - stealBefore;
            var clientCpu = ProcStat.CpuSecondsOf("self") - clientCpuBefore;
            var last = all.Max(c => c.LastReceiveTimestamp);
            var run = new FanoutResult(
                target, load, round, sent, expected,
                all.Sum(c => c.Received), all.Sum(c => c.Frames), all.Sum(c => c.ArrayFrames), 0, all.Sum(c => c.OutOfOrder),
                Stopwatch.GetElapsedTime(started, last).TotalSeconds, cpu, clientCpu,
                latencies.Percentile(50), latencies.Percentile(99),
                nodes.Max(n => n.StatusKiB("VmHWM")), all.Count(c => c.Failure is not null), timedOut, settled, steal, switches,
                first.Processors);
            return new ClusterResult(run, brokerCpu);
        }
        finally
        {
            foreach (var client in all)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            if (second is not null)
            {
                await second.DisposeAsync().ConfigureAwait(false);
            }

            if (first is not null)
            {
                await first.DisposeAsync().ConfigureAwait(false);
            }

            if (nats is not null)
            {
                await nats.DisposeAsync().ConfigureAwait(false);
            }

            if (redis is not null)
            {
                await redis.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
