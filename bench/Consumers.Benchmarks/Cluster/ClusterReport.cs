using System.Globalization;
using System.Text;
using Consumers.Benchmarks.Fanout;

namespace Consumers.Benchmarks.Cluster;

/// <summary>
/// Renders the cluster benchmark as Markdown: the machine and command, the scenario, the issue's goals checked per load
/// (MET/MISSED with the ratio Consumers ÷ SignalR, a median over rounds of same-round ratios), the loads ordered by
/// the CPU ratio, least favourable to Consumers first, then one table per load (medians over rounds).
/// </summary>
internal static class ClusterReport
{
    private static readonly (string Goal, Func<ClusterResult, double> Metric, Func<double, bool> Met)[] Goals =
    [
        ("CPU per delivery, all server-side processes ≤ 0.8× SignalR+Redis", r => r.CpuMicrosecondsPerDelivery, ratio => ratio <= 0.8),
        ("delivered msg/s ≥ 1.0× SignalR+Redis", r => r.Run.DeliveredPerSecond, ratio => ratio >= 1.0),
        ("p99 latency ≤ 1.0× SignalR+Redis", r => r.Run.P99Microseconds, ratio => ratio <= 1.0),
    ];

    public static string Render(MachineDescription machine, FanoutSettings settings, List<ClusterResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Cluster: two app nodes, Consumers over NATS vs SignalR over its Redis backplane").AppendLine();
        sb.Append(MachineLines.Render(machine, string.Create(CultureInfo.InvariantCulture,
            $"{settings.Rounds} round(s), {settings.SaturatedDuration.TotalSeconds:0.#} s saturated / {settings.PacedDuration.TotalSeconds:0.#} s paced per run")));
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $$"""
            Scenario: {{settings.Rooms}} rooms × {{settings.ClientsPerRoom}} clients, {{settings.SendersPerRoom}} senders per room; client *c* of a room connects to
            app node *c* mod 2, so every room has members, and senders, on both nodes, and every message crosses the broker to
            reach half of its room. Every message goes to every client of its room, the sender included. Per run, fresh
            processes on 127.0.0.1 and the machine's cores, not pinned: the broker, then two app nodes, each built as the fan-out
            benchmark's servers are (`WebApplication.CreateBuilder(args)`, log level Warning) with the layer between nodes as
            its README shows:
            - **Consumers**: `AddConsumers(o => { o.RateLimitPerSecond = 0; o.MaxConnectionsPerAddress = 0; }).AddNatsGroupLayer(builder.Configuration)`
              with `Consumers:Nats:Url` naming the broker, a `nats-server -js` (JetStream on, the layer's default: every group
              message is also stored for replay), the fan-out benchmark's `RoomConsumer`.
            - **SignalR**: `AddSignalR().AddStackExchangeRedis(connectionString)` (Microsoft.AspNetCore.SignalR.StackExchangeRedis),
              a `redis-server --save "" --appendonly no`, the fan-out benchmark's `RoomHub`.
            - **floor**: the fan-out benchmark's raw Kestrel broadcaster on each node, each received message queued to the
              node's members of the room and published once, as it is, on core NATS (`rooms.{room}`, `echo: false`) to the
              same `nats-server -js` (no stream takes these subjects); what comes from the other node is queued to its members.
              No protocol, no dispatch, no headers, no ordering, nothing kept for replay: the cost of copying and writing.
            The load tool is the fan-out benchmark's (raw-socket clients, warm-up fully delivered, then the measured run once
            both nodes idle). CPU per delivery = utime+stime of **both app nodes and the broker** (`/proc/<pid>/stat`) over the
            measured run and its drain ÷ deliveries; the broker's share is shown beside it. Latency: send timestamp → receipt,
            over all deliveries. Servers alternate per load within a round, the order rotating per round; figures are medians over rounds.

            """);
        if (results.Count == 0)
        {
            return sb.ToString();
        }

        var loads = results.Select(r => r.Run.Load).Distinct()
            .OrderByDescending(l => Percentiles.Median(Ratios(results, l, Goals[0].Metric).DefaultIfEmpty(double.NaN)))
            .ToList();
        sb.AppendLine("### Goals of issue 29").AppendLine();
        sb.AppendLine("Loads in order of Consumers' CPU per delivery ÷ SignalR's, the least favourable first; a ratio is Consumers' figure ÷ SignalR's. " +
            "The last column is the floor's own ratio: two raw Kestrel broadcasters relaying through core NATS (no protocol, no dispatch, no JetStream, " +
            "no ordering), what a server that only copies and writes reaches against SignalR on the same load; a goal below it is below the floor.").AppendLine();
        sb.AppendLine("| goal | load | Consumers ÷ SignalR | | floor ÷ SignalR, for reference | Consumers ÷ floor |");
        sb.AppendLine("|---|---|---:|---|---:|---:|");
        foreach (var (goal, metric, met) in Goals)
        {
            foreach (var load in loads)
            {
                var ratios = Ratios(results, load, metric);
                var median = ratios.Count == 0 ? double.NaN : Percentiles.Median(ratios);
                var floor = Ratios(results, load, metric, FanoutTarget.Raw, FanoutTarget.SignalR);
                var overFloor = Ratios(results, load, metric, FanoutTarget.Consumers, FanoutTarget.Raw);
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {goal} | {load.Name} | {Percentiles.MedianWithRange(ratios)} | {(double.IsNaN(median) ? "not measured" : met(median) ? "MET" : "MISSED")} | " +
                    $"{(floor.Count == 0 ? "not measured" : Percentiles.MedianWithRange(floor))} | {(overFloor.Count == 0 ? "not measured" : Percentiles.MedianWithRange(overFloor))} |");
            }
        }

        sb.AppendLine();
        foreach (var load in loads)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"### {char.ToUpperInvariant(load.Name[0])}{load.Name[1..]}").AppendLine();
            sb.AppendLine("| server | delivered msg/s | CPU µs/delivery (nodes + broker) | of which broker | p50 µs | p99 µs | lost | clients closed |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var target in ClusterBenchmark.Targets)
            {
                var runs = results.Where(r => r.Run.Load == load && r.Run.Target == target).ToList();
                if (runs.Count == 0)
                {
                    continue;
                }

                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {NameOf(target)} | {Percentiles.Median(runs.Select(r => r.Run.DeliveredPerSecond)):N0} | " +
                    $"{Percentiles.Median(runs.Select(r => r.CpuMicrosecondsPerDelivery)):N3} | {Percentiles.Median(runs.Select(r => r.BrokerMicrosecondsPerDelivery)):N3} | " +
                    $"{Percentiles.Median(runs.Select(r => r.Run.P50Microseconds)):N0} | {Percentiles.Median(runs.Select(r => r.Run.P99Microseconds)):N0} | " +
                    $"{runs.Sum(r => r.Run.Lost)} | {runs.Sum(r => r.Run.ClientsClosed)} |");
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    private static string NameOf(FanoutTarget target) => target switch
    {
        FanoutTarget.SignalR => "SignalR + Redis",
        FanoutTarget.Raw => "floor: raw Kestrel + core NATS",
        _ => "Consumers + NATS",
    };

    // Per round, one server's figure ÷ another's on one load (by default Consumers' ÷ SignalR's).
    private static List<double> Ratios(List<ClusterResult> results, FanoutLoad load, Func<ClusterResult, double> metric,
        FanoutTarget over = FanoutTarget.Consumers, FanoutTarget under = FanoutTarget.SignalR)
        => [.. results.Where(r => r.Run.Load == load && r.Run.Target == over)
            .Select(c => (c, s: results.FirstOrDefault(r => r.Run.Load == load && r.Run.Target == under && r.Run.Round == c.Run.Round)))
            .Where(p => p.s is not null)
            .Select(p => metric(p.c) / metric(p.s!))];
}
