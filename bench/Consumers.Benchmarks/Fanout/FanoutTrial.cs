using System.Diagnostics;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// One run against a fresh server process: R rooms × C clients connect, the first S clients of each room send,
/// every message goes to every client of its room (the sender included). A warm-up must be fully delivered before
/// the measured part starts; the measured part is either saturated (each sender keeps at most a window of its
/// messages in flight, counted by their echoes to itself) or paced (a fixed rate per sender). With <c>--pin</c> the
/// server process runs on its own core (<see cref="CorePinning"/>).
/// </summary>
internal static class FanoutTrial
{
    public static async Task<FanoutResult> RunAsync(FanoutTarget target, FanoutLoad load, int round, FanoutSettings settings, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync(target, settings.Pinning, cancellationToken).ConfigureAwait(false);
        var latencies = new LatencyHistogram();
        var senderCount = settings.Rooms * settings.SendersPerRoom;
        var rooms = new LoadClient[settings.Rooms][];
        var all = new List<LoadClient>();
        var senders = new List<(LoadClient Client, int Room)>();
        try
        {
            for (var r = 0; r < settings.Rooms; r++)
            {
                var tasks = Enumerable.Range(0, settings.ClientsPerRoom)
                    .Select(_ => LoadClient.ConnectAsync(target, server.Port, "r" + r, latencies, senderCount, cancellationToken));
                rooms[r] = await Task.WhenAll(tasks).ConfigureAwait(false);
                all.AddRange(rooms[r]);
                for (var s = 0; s < settings.SendersPerRoom; s++)
                {
                    rooms[r][s].BecomeSender(senders.Count, load.PayloadBytes);
                    senders.Add((rooms[r][s], r));
                }
            }

            // Joins are asynchronous on some servers (SignalR's OnConnectedAsync): wait until a probe reaches everyone.
            await WarmUpAsync(senders, rooms, load, settings, cancellationToken).ConfigureAwait(false);

            // The JIT compiles the methods the warm-up made hot on a background thread, after a delay: measured from
            // here, its work would count as the load's. Wait until the server idles.
            var settled = await server.WaitUntilQuietAsync(settings.SettleTimeout, cancellationToken).ConfigureAwait(false);
            latencies.Clear();
            foreach (var client in all)
            {
                client.ResetCounters();
            }

            var sentBefore = senders.Sum(s => s.Client.Sent);
            var cpuBefore = server.CpuSeconds();
            var switchesBefore = server.ContextSwitchesByThread();
            var stealBefore = ProcStat.HostStealSeconds();
            var clientCpuBefore = ProcStat.CpuSecondsOf("self");
            var started = Stopwatch.GetTimestamp();
            if (load.Paced)
            {
                await PaceAsync(senders, load, settings.PacedDuration, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                stop.CancelAfter(settings.SaturatedDuration);
                await Task.WhenAll(senders.Select(s => SaturateAsync(s.Client, load.Window, settings, stop.Token))).ConfigureAwait(false);
            }

            var sent = senders.Sum(s => s.Client.Sent) - sentBefore;
            var expected = sent * settings.ClientsPerRoom;
            var timedOut = !await DrainAsync(all, expected, settings.DrainTimeout, cancellationToken).ConfigureAwait(false);
            var cpu = server.CpuSeconds() - cpuBefore;
            var switches = server.ContextSwitchesSince(switchesBefore);
            var steal = ProcStat.HostStealSeconds() - stealBefore;
            var clientCpu = ProcStat.CpuSecondsOf("self") - clientCpuBefore;
            var last = all.Max(c => c.LastReceiveTimestamp);
            return new FanoutResult(
                target,
                load,
                round,
                sent,
                expected,
                all.Sum(c => c.Received),
                all.Sum(c => c.Frames),
                all.Sum(c => c.ArrayFrames),
                all.Count(c => c.Subprotocol == LoadClient.BatchSubprotocol),
                all.Sum(c => c.OutOfOrder),
                Stopwatch.GetElapsedTime(started, last).TotalSeconds,
                cpu,
                clientCpu,
                latencies.Percentile(50),
                latencies.Percentile(99),
                server.StatusKiB("VmHWM"),
                all.Count(c => c.Failure is not null),
                timedOut,
                settled,
                steal,
                switches,
                server.Processors);
        }
        finally
        {
            foreach (var client in all)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Idle connections against a fresh server process: the server's resident set before and after they connect, with
    /// no collection forced and right after the forced collections of its <c>/bench/memory</c> probe, and its managed
    /// memory from that probe (see <see cref="IdleResult"/>).
    /// </summary>
    public static async Task<IdleResult> RunIdleAsync(FanoutTarget target, int round, FanoutSettings settings, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync(target, settings.Pinning, cancellationToken).ConfigureAwait(false);
        var latencies = new LatencyHistogram();
        var clients = new List<LoadClient>();
        try
        {
            // One connection with traffic first, so that the baseline includes what the first connection loads (JIT,
            // pools), not only what every connection costs; likewise one request to the memory probe that forces no
            // collection, so that its HTTP connection and code are in the baseline too.
            var first = await LoadClient.ConnectAsync(target, server.Port, "idle", latencies, 1, cancellationToken).ConfigureAwait(false);
            clients.Add(first);
            first.BecomeSender(0, settings.Loads[0].PayloadBytes);
            for (var i = 0; i < 10; i++)
            {
                await first.SendNextAsync(cancellationToken).ConfigureAwait(false);
            }

            await DrainAsync(clients, 10, settings.DrainTimeout, cancellationToken).ConfigureAwait(false);
            await server.MemoryAsync(collect: false, cancellationToken).ConfigureAwait(false);
            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            var before = server.StatusKiB("VmRSS");
            var managedBefore = await server.MemoryAsync(collect: true, cancellationToken).ConfigureAwait(false);
            var collectedBefore = server.StatusKiB("VmRSS");
            for (var batch = 0; batch < settings.IdleConnections; batch += 100)
            {
                var count = Math.Min(100, settings.IdleConnections - batch);
                clients.AddRange(await Task.WhenAll(Enumerable.Range(batch, count)
                    .Select(i => LoadClient.ConnectAsync(target, server.Port, "idle" + (i / 20), latencies, 1, cancellationToken))).ConfigureAwait(false));
            }

            // Let connection set-up finish (SignalR's handshake, group joins) and the allocations settle.
            await Task.Delay(2000, cancellationToken).ConfigureAwait(false);
            var after = server.StatusKiB("VmRSS");
            var managedAfter = await server.MemoryAsync(collect: true, cancellationToken).ConfigureAwait(false);
            var collectedAfter = server.StatusKiB("VmRSS");
            return new IdleResult(target, round, settings.IdleConnections, before, after, collectedBefore, collectedAfter,
                managedBefore, managedAfter, server.StatusKiB("VmHWM"), server.Processors);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    internal static async Task WarmUpAsync(List<(LoadClient Client, int Room)> senders, LoadClient[][] rooms, FanoutLoad load, FanoutSettings settings, CancellationToken cancellationToken)
    {
        var all = rooms.SelectMany(r => r).ToList();
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;

        // A probe per room until all of its clients see one: only then are the joins known to be complete.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var before = all.Select(c => c.Received).ToArray();
            foreach (var (client, _) in senders.Where((s, i) => i % settings.SendersPerRoom == 0))
            {
                await client.SendNextAsync(cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            if (all.Select((c, i) => c.Received > before[i]).All(x => x) || Stopwatch.GetTimestamp() > deadline)
            {
                break;
            }
        }

        // Saturated for WarmupDuration, so that the servers' JIT has promoted the hot path to its optimized tier
        // before anything is measured (CPU is counted per process; tier-0 code and the JIT's own work are not steady state).
        // Probes sent before a join completed are not counted: the warm-up's count starts here.
        await SendFullyDeliveredAsync(all, senders, settings, async () =>
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stop.CancelAfter(settings.WarmupDuration);
            await Task.WhenAll(senders.Select(s => SaturateAsync(s.Client, Math.Max(load.Window, 32), settings, stop.Token))).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        if (load.Paced)
        {
            // The paced path (a lone message per turn, idle writers, parked threads) is code the saturated warm-up
            // runs little of: a short run at the measured pace lets the JIT tier it up too.
            await SendFullyDeliveredAsync(all, senders, settings,
                () => PaceAsync(senders, load, settings.PacedWarmupDuration, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    // Counts from zero, runs `sending`, then waits until every message it sent reached every client of its room.
    private static async Task SendFullyDeliveredAsync(List<LoadClient> all, List<(LoadClient Client, int Room)> senders, FanoutSettings settings, Func<Task> sending, CancellationToken cancellationToken)
    {
        foreach (var client in all)
        {
            client.ResetCounters();
        }

        var sentBefore = senders.Sum(s => s.Client.Sent);
        await sending().ConfigureAwait(false);
        var expected = (senders.Sum(s => s.Client.Sent) - sentBefore) * settings.ClientsPerRoom;
        await DrainAsync(all, expected, settings.DrainTimeout, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task SaturateAsync(LoadClient sender, int window, FanoutSettings settings, CancellationToken stop)
    {
        var limit = sender.Sent + settings.MessagesPerSenderLimit;
        try
        {
            while (sender.Sent < limit && !stop.IsCancellationRequested)
            {
                if (!await sender.WaitForWindowAsync(window, stop).ConfigureAwait(false))
                {
                    return;
                }

                // Not cancellable: a send cut off mid-frame would be counted but never arrive whole.
                await sender.SendNextAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run's time is up.
        }
    }

    internal static async Task PaceAsync(List<(LoadClient Client, int Room)> senders, FanoutLoad load, TimeSpan duration, CancellationToken cancellationToken)
    {
        // One pacer for all senders, ticking every millisecond or so: each sender is brought up to
        // elapsed × rate messages (shifted by its phase when the load spreads senders over the period), so the rate
        // holds even when a tick comes late.
        var start = Stopwatch.GetTimestamp();
        var baseline = senders.Select(s => s.Client.Sent).ToArray();
        var total = (long)(load.RatePerSender * duration.TotalSeconds);
        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(start);
            var done = true;
            for (var i = 0; i < senders.Count; i++)
            {
                var phase = load.Spread ? (double)i / senders.Count : 0;
                var due = Math.Min(total, (long)((elapsed.TotalSeconds * load.RatePerSender) - phase) + 1);
                var client = senders[i].Client;
                while (client.Sent - baseline[i] < due)
                {
                    await client.SendNextAsync(cancellationToken).ConfigureAwait(false);
                }

                done &= due >= total;
            }

            if (done)
            {
                return;
            }

            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the clients received <paramref name="expected"/> messages; false when it took longer than the timeout.</summary>
    internal static async Task<bool> DrainAsync(List<LoadClient> clients, long expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (clients.Sum(c => c.Received) < expected)
        {
            if (Stopwatch.GetTimestamp() > deadline || clients.All(c => c.Failure is not null))
            {
                return false;
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
