using System.Diagnostics;

namespace Consumers.Benchmarks;

/// <summary>
/// One trial of end-to-end group-send throughput: fresh app node(s), <c>clients</c> WebSocket clients in
/// <c>room:bench</c> split evenly across the nodes, and one sender on the first node pushing <c>messages</c>
/// group messages through <see cref="IGroupSender"/>. Delivered/s = messages × clients / (first send → last
/// client received the last message). CPU: this process's (app nodes and clients) and nats-server's utime + stime over
/// the same span, per delivery.
/// </summary>
internal sealed record GroupSendTrial(GroupLayerSetup Setup, int Clients, int Messages, long Delivered, TimeSpan Elapsed, bool TimedOut, string? ClientFailure,
    double ProcessCpuSeconds, double NatsServerCpuSeconds)
{
    public const string Group = "room:bench";

    private const int WarmUpMessages = 200;

    private static readonly TimeSpan QuietTimeout = TimeSpan.FromSeconds(10);

    public long Expected => (long)Clients * Messages;

    public long Lost => Expected - Delivered;

    public double DeliveredPerSecond => Delivered / Elapsed.TotalSeconds;

    /// <summary>
    /// CPU per delivery of everything on the path: this process (the app nodes, the layer's NATS connections and the
    /// WebSocket clients, whose share is the same in every configuration) and nats-server, in microseconds.
    /// </summary>
    public double CpuMicrosecondsPerDelivery => (ProcessCpuSeconds + NatsServerCpuSeconds) * 1e6 / Math.Max(1, Delivered);

    /// <summary>nats-server's part of <see cref="CpuMicrosecondsPerDelivery"/> (idle with the in-memory layer).</summary>
    public double NatsServerCpuMicrosecondsPerDelivery => NatsServerCpuSeconds * 1e6 / Math.Max(1, Delivered);

    /// <param name="natsServer">The running nats-server: its URL for the NATS setups, its CPU for every setup.</param>
    /// <param name="window">Most messages the sender may be ahead of the slowest client; below the runtime's
    /// 1,024-frame send queue so the benchmark measures throughput, not the overflow policy.</param>
    public static async Task<GroupSendTrial> RunAsync(GroupLayerSetup setup, NatsServerProcess natsServer, int clients, int messages, int window, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var nodeCount = setup is GroupLayerSetup.NatsTwoNodes or GroupLayerSetup.NatsTwoNodesNoJetStream ? 2 : 1;
        var layerUrl = setup == GroupLayerSetup.InMemory ? null : natsServer.Url;
        var nodes = new List<AppNode>();
        var connected = new List<CountingClient>();
        try
        {
            for (var i = 0; i < nodeCount; i++)
            {
                nodes.Add(await AppNode.StartAsync(setup, layerUrl, cancellationToken).ConfigureAwait(false));
            }

            var tracker = new DeliveryTracker(clients);
            for (var i = 0; i < clients; i++)
            {
                var node = nodes[i % nodeCount];
                connected.Add(await CountingClient.ConnectAsync(node.RoomUri("bench"), tracker, i, cancellationToken).ConfigureAwait(false));
            }

            var sender = nodes[0].GroupSender;

            // Every client must get the warm-up before measuring: it proves each node's NATS interest is in place
            // and lets the JIT settle on the path.
            var warmUp = await SendAsync(sender, tracker, 0, WarmUpMessages, window, timeLimit, cancellationToken).ConfigureAwait(false);
            if (!warmUp.Completed)
            {
                return new GroupSendTrial(setup, clients, messages, 0, timeLimit, TimedOut: true, $"warm-up not delivered to every client ({FirstFailure(connected) ?? "no client failure"})", 0, 0);
            }

            // Fresh nodes: the warm-up started the JIT's tier-up of their code; measure once it is done.
            await ProcStat.WaitUntilQuietAsync("self", QuietTimeout, cancellationToken).ConfigureAwait(false);
            var processCpuBefore = ProcStat.CpuSecondsOf("self");
            var natsCpuBefore = natsServer.CpuSeconds();
            var start = Stopwatch.GetTimestamp();
            var run = await SendAsync(sender, tracker, WarmUpMessages, messages, window, timeLimit, cancellationToken).ConfigureAwait(false);
            var end = run.Completed ? tracker.ReachedAt : Stopwatch.GetTimestamp();
            var processCpu = ProcStat.CpuSecondsOf("self") - processCpuBefore;
            var natsCpu = natsServer.CpuSeconds() - natsCpuBefore;
            var delivered = tracker.Total() - ((long)WarmUpMessages * clients);
            return new GroupSendTrial(setup, clients, messages, delivered, Stopwatch.GetElapsedTime(start, end), !run.Completed, FirstFailure(connected), processCpu, natsCpu);
        }
        finally
        {
            foreach (var client in connected)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var node in nodes)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static string? FirstFailure(List<CountingClient> clients) => clients.Select(c => c.Failure).FirstOrDefault(f => f is not null);

    /// <summary>
    /// Sends messages <paramref name="already"/>+1 .. <paramref name="already"/>+<paramref name="count"/>, never more
    /// than <paramref name="window"/> ahead of the slowest client (refilling once it caught up half a window), then
    /// waits for every client to have them all. Bounded by <paramref name="timeLimit"/>.
    /// </summary>
    private static async Task<(bool Completed, long Sent)> SendAsync(IGroupSender sender, DeliveryTracker tracker, long already, int count, int window, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var body = new string('x', 80);
        var deadline = Stopwatch.StartNew();
        var last = already + count;
        var slowest = tracker.Min();
        for (var seq = already + 1; seq <= last; seq++)
        {
            if (seq - slowest > window)
            {
                slowest = tracker.Min();
                if (seq - slowest > window)
                {
                    var remaining = timeLimit - deadline.Elapsed;
                    if (remaining <= TimeSpan.Zero || !await WaitAsync(tracker.WaitForMinAsync(seq - (window / 2)), remaining, cancellationToken).ConfigureAwait(false))
                    {
                        return (false, seq - 1 - already);
                    }

                    slowest = tracker.Min();
                }
            }

            await sender.SendAsync(Group, new Tick(seq, body), BenchJson.Default.Tick, cancellationToken).ConfigureAwait(false);
        }

        var left = timeLimit - deadline.Elapsed;
        var completed = left > TimeSpan.Zero && await WaitAsync(tracker.WaitForMinAsync(last), left, cancellationToken).ConfigureAwait(false);
        return (completed, count);
    }

    private static async Task<bool> WaitAsync(Task task, TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
