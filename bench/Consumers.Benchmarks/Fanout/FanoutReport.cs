using System.Globalization;
using System.Text;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// Renders the fan-out results as Markdown: the machine and command, the issue's goals checked (MET/MISSED with the
/// ratio), then one table per load, the least favourable load for Consumers first, and the idle connections.
/// Every ratio is a median over rounds of the ratio measured within one round.
/// </summary>
internal static class FanoutReport
{
    private static readonly FanoutTarget[] Consumers = [FanoutTarget.Consumers, FanoutTarget.ConsumersBatch];

    public static string Render(MachineDescription machine, FanoutSettings settings, List<FanoutResult> load, List<IdleResult> idle)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Fan-out: chat rooms, Consumers vs SignalR vs a raw Kestrel broadcaster").AppendLine();
        sb.AppendLine(MachineLines.Render(machine, string.Create(CultureInfo.InvariantCulture,
            $"{settings.Rounds} round(s), {settings.SaturatedDuration.TotalSeconds:0.#} s saturated / {settings.PacedDuration.TotalSeconds:0.#} s paced per run")));
        if (load.Count > 0)
        {
            // What the hypervisor took during the measured runs: figures of runs with much of it are not the servers' own.
            var shares = load.Select(r => r.HostStealShare).Order().ToList();
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"- Host steal time during the measured runs (`/proc/stat`, share of all cores): median {shares[shares.Count / 2]:P1}, highest {shares[^1]:P1}" +
                $" ({load.Count(r => r.HostStealShare > 0.05)} of {load.Count} runs above 5%)").AppendLine();
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $$"""
            Scenario: {{settings.Rooms}} rooms × {{settings.ClientsPerRoom}} clients, {{settings.SendersPerRoom}} senders per room (members of the room); every message
            is delivered to every client of its room, the sender included. Each server is its own process on 127.0.0.1, fresh for every
            run, built as an app builds it: `WebApplication.CreateBuilder(args)` with the default configuration and logging providers,
            the minimum log level set to Warning for all three alike, Kestrel, workstation concurrent GC. The load tool is one process of
            minimal raw-socket WebSocket clients (bulk reads, own frame parser) on the same cores.
            - **Consumers**: `RoomConsumer` as the README writes one: `[Action] Join(room)` → `JoinGroupAsync("room:" + room)`,
              `[Action] Broadcast(room, text)` → `SendToGroupAsync("room:" + room, new ChatLine(room, text), ChatJson.Default.ChatLine)`;
              `AddConsumers(o => { o.RateLimitPerSecond = 0; o.MaxConnectionsPerAddress = 0; })`, `app.MapConsumer<RoomConsumer>("/ws")`.
              Clients join with `{"action":"join","room":"r1"}` and send `{"action":"broadcast","room":"r1","text":"..."}` (each request
              also gets its 200 reply). These clients offer no subprotocol, like dcrf-client and a browser's plain `new WebSocket(url)`:
              they get one envelope per frame.
            - **Consumers (batch)**: the same server; the clients offer the WebSocket subprotocol `{{LoadClient.BatchSubprotocol}}`, with which the
              server may put several envelopes in one text frame as a JSON array (`[{...},{...}]`); the client reads a frame that is an
              object as one envelope and a frame that starts with `[` as an array of them. Only clients that offer the subprotocol get this.
            - **SignalR**: hub `Join(room)` → `Groups.AddToGroupAsync`, `Send(room, text)` → `Clients.Group(room).SendAsync("m", text)`,
              JSON hub protocol over WebSockets (no negotiate), `app.MapHub<RoomHub>("/hub")`; the project's source-generated JSON context
              is in SignalR's resolver chain because the benchmark project turns reflection-based JSON off.
            - **raw**: Kestrel WebSockets, the room from the path, each received message copied once and queued to every member's
              writer, one frame per message.
            - *saturated*: each sender keeps at most *window* of its messages in flight (counted by their echoes to itself).
              *paced*: a fixed rate per sender ({{settings.Rooms * settings.SendersPerRoom}} senders × {{settings.ClientsPerRoom}} receivers each), every
              sender on the same beat, unless the load says "senders spread over the period" (`--spread`: sender i of n due i/n of a period later).
              A saturated warm-up of {{settings.WarmupDuration.TotalSeconds:0.#}} s (for a paced load followed by {{settings.PacedWarmupDuration.TotalSeconds:0.#}} s at the measured pace), fully delivered,
              precedes each measured run, and the measured run starts once the server has idled (two 300-ms windows of at most one clock tick of CPU, at
              most {{settings.SettleTimeout.TotalSeconds:0}} s): the servers' JIT has then compiled what the load runs at its optimized tier, and its background
              compilations are not counted as the load's CPU.
            - delivered/s = deliveries / (first measured send → last delivery). CPU/delivery = the server process's utime+stime
              (`/proc/<pid>/stat`) over the measured run and its drain, / deliveries. Latency: send timestamp in the body → receipt,
              over all deliveries. Context switches: the server's threads' voluntary + involuntary switches
              (`/proc/<pid>/task/*/status`) over the same span, / deliveries. Deliveries/frame: deliveries / WebSocket messages that carried any, as the clients saw them.
              Load tool CPU/delivery: the same for the load tool's process (all 200 clients), which shares the cores with the server.
              Lost = expected − delivered after the drain (≤ {{settings.DrainTimeout.TotalSeconds:0}} s). Servers alternate per load within a
              round, the order rotates per round; figures are medians over rounds; ratios are medians over rounds of same-round ratios.
            """).AppendLine();

        var loads = settings.Loads
            .Select(l => (Load: l, Cpu: Ratio(load, l, FanoutTarget.Consumers, FanoutTarget.SignalR, r => r.CpuMicrosecondsPerDelivery)))
            .OrderByDescending(x => double.IsNaN(x.Cpu) ? double.MinValue : x.Cpu)
            .Select(x => x.Load)
            .ToList();

        RenderGoals(sb, settings, loads, load, idle);

        foreach (var fanoutLoad in loads)
        {
            RenderLoad(sb, fanoutLoad, load);
        }

        RenderIdle(sb, settings, idle);
        return sb.ToString();
    }

    private static void RenderGoals(StringBuilder sb, FanoutSettings settings, List<FanoutLoad> loads, List<FanoutResult> load, List<IdleResult> idle)
    {
        sb.AppendLine("### Goals of issue 10").AppendLine();
        sb.AppendLine("Loads in order of Consumers' CPU per delivery ÷ SignalR's, the least favourable first. A ratio is Consumers' figure ÷ the other server's. " +
            "The last column gives the raw broadcaster's own ratio for a goal set against SignalR: what a Kestrel server that does nothing but copy and write reaches on the same load.").AppendLine();
        sb.AppendLine("| goal | load | Consumers | | Consumers (batch) | | raw broadcaster, for reference |");
        sb.AppendLine("|---|---|---:|---|---:|---|---:|");
        foreach (var l in loads)
        {
            Goal(sb, "server CPU per delivery ≤ 0.8× SignalR", l, load, FanoutTarget.SignalR, r => r.CpuMicrosecondsPerDelivery, ratio => ratio <= 0.8);
        }

        foreach (var l in loads)
        {
            Goal(sb, "server CPU per delivery ≤ 1.0× raw", l, load, FanoutTarget.Raw, r => r.CpuMicrosecondsPerDelivery, ratio => ratio <= 1.0);
        }

        foreach (var l in loads.Where(l => !l.Paced))
        {
            Goal(sb, "delivered msg/s ≥ 1.1× SignalR", l, load, FanoutTarget.SignalR, r => r.DeliveredPerSecond, ratio => ratio >= 1.1);
        }

        foreach (var l in loads.Where(l => l.Paced))
        {
            Goal(sb, "p99 latency ≤ SignalR", l, load, FanoutTarget.SignalR, r => r.P99Microseconds, ratio => ratio <= 1.0);
        }

        var idleRatio = IdleRatio(idle, FanoutTarget.Consumers, FanoutTarget.SignalR);
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"| bytes per idle connection ≤ SignalR | {settings.IdleConnections:N0} idle connections | {idleRatio:0.00} | {Verdict(idleRatio, idleRatio <= 1.0)} | (same server) | | {Reference(IdleRatio(idle, FanoutTarget.Raw, FanoutTarget.SignalR))} |");
        sb.AppendLine();
    }

    private static void Goal(StringBuilder sb, string goal, FanoutLoad l, List<FanoutResult> load, FanoutTarget other, Func<FanoutResult, double> metric, Func<double, bool> met)
    {
        sb.Append(CultureInfo.InvariantCulture, $"| {goal} | {l.Name} ");
        foreach (var target in Consumers)
        {
            var ratio = Ratio(load, l, target, other, metric);
            sb.Append(CultureInfo.InvariantCulture, $"| {ratio:0.00} | {Verdict(ratio, met(ratio))} ");
        }

        sb.AppendLine(other == FanoutTarget.SignalR ? $"| {Reference(Ratio(load, l, FanoutTarget.Raw, other, metric))} |" : "| |");
    }

    private static string Reference(double ratio) => double.IsNaN(ratio) ? "not measured" : ratio.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Verdict(double ratio, bool met) => double.IsNaN(ratio) ? "not measured" : met ? "MET" : "MISSED";

    private static void RenderLoad(StringBuilder sb, FanoutLoad l, List<FanoutResult> load)
    {
        var rows = load.Where(r => r.Load == l).ToList();
        var window = l.Paced
            ? $"{l.RatePerSender} msg/s per sender"
            : $"window {l.Window} per sender";
        sb.AppendLine(CultureInfo.InvariantCulture, $"### {char.ToUpperInvariant(l.Name[0])}{l.Name[1..]}").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Body {l.PayloadBytes} B, {window}.").AppendLine();
        sb.AppendLine("| server | delivered msg/s | ÷ SignalR | ÷ raw | server CPU µs/delivery | ÷ SignalR | ÷ raw | server context switches/delivery | p50 µs | p99 µs | p99 ÷ SignalR | deliveries/frame | load tool CPU µs/delivery | peak RSS MiB | lost | out of order | clients closed | per round: msg/s @ CPU µs/delivery |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var target in Enum.GetValues<FanoutTarget>())
        {
            var mine = rows.Where(r => r.Target == target).OrderBy(r => r.Round).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            double R(FanoutTarget other, Func<FanoutResult, double> metric) => Ratio(load, l, target, other, metric);

            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {Name(target)} | {Median(mine, r => r.DeliveredPerSecond):N0} | {R(FanoutTarget.SignalR, r => r.DeliveredPerSecond):0.00} | {R(FanoutTarget.Raw, r => r.DeliveredPerSecond):0.00} " +
                $"| {Median(mine, r => r.CpuMicrosecondsPerDelivery):0.000} | {R(FanoutTarget.SignalR, r => r.CpuMicrosecondsPerDelivery):0.00} | {R(FanoutTarget.Raw, r => r.CpuMicrosecondsPerDelivery):0.00} " +
                $"| {Median(mine, r => r.ContextSwitchesPerDelivery):0.00} | {Median(mine, r => r.P50Microseconds):N0} | {Median(mine, r => r.P99Microseconds):N0} | {R(FanoutTarget.SignalR, r => r.P99Microseconds):0.00} " +
                $"| {Median(mine, r => r.DeliveriesPerFrame):0.00} | {Median(mine, r => r.ClientCpuMicrosecondsPerDelivery):0.000} | {Median(mine, r => r.PeakRssKiB / 1024.0):N0} | {mine.Sum(r => r.Lost):N0} | {mine.Sum(r => r.OutOfOrder):N0} | {mine.Sum(r => r.ClientsClosed)} " +
                $"| {string.Join("; ", mine.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.DeliveredPerSecond:N0} @ {r.CpuMicrosecondsPerDelivery:0.000}")))} |");
        }

        sb.AppendLine();
        var batch = rows.Where(r => r.Target == FanoutTarget.ConsumersBatch).ToList();
        if (batch.Count > 0)
        {
            var clients = batch.Min(r => r.ClientsWithSubprotocol);
            var arrays = batch.Sum(r => r.ArrayFrames);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"Consumers (batch): the server selected `{LoadClient.BatchSubprotocol}` for {(clients == batch.Max(r => r.ClientsWithSubprotocol) ? clients.ToString(CultureInfo.InvariantCulture) : $"{clients}–{batch.Max(r => r.ClientsWithSubprotocol)}")} clients per run; " +
                $"{arrays:N0} of {batch.Sum(r => r.Frames):N0} frames with deliveries were arrays.").AppendLine();
        }
    }

    private static void RenderIdle(StringBuilder sb, FanoutSettings settings, List<IdleResult> idle)
    {
        sb.AppendLine(CultureInfo.InvariantCulture, $"### Idle connections ({settings.IdleConnections:N0})").AppendLine();
        sb.AppendLine("VmRSS after one warm connection, then after the idle connections connected and joined (rooms of 20) and 2 s of settling; no GC forced. Consumers (batch) is the same server and is not run.").AppendLine();
        sb.AppendLine("| server | KiB per idle connection | ÷ SignalR | ÷ raw | RSS before MiB | RSS after MiB | per round KiB/connection |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var target in Enum.GetValues<FanoutTarget>())
        {
            var mine = idle.Where(r => r.Target == target).OrderBy(r => r.Round).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {Name(target)} | {Percentiles.Median(mine.Select(r => r.KiBPerConnection)):N1} | {IdleRatio(idle, target, FanoutTarget.SignalR):0.00} | {IdleRatio(idle, target, FanoutTarget.Raw):0.00} " +
                $"| {Percentiles.Median(mine.Select(r => r.RssBeforeKiB / 1024.0)):N0} | {Percentiles.Median(mine.Select(r => r.RssAfterKiB / 1024.0)):N0} " +
                $"| {string.Join(", ", mine.Select(r => r.KiBPerConnection.ToString("N1", CultureInfo.InvariantCulture)))} |");
        }

        sb.AppendLine();
    }

    /// <summary>The median over rounds of <paramref name="target"/>'s metric ÷ <paramref name="other"/>'s in the same round.</summary>
    private static double Ratio(List<FanoutResult> load, FanoutLoad l, FanoutTarget target, FanoutTarget other, Func<FanoutResult, double> metric) =>
        Percentiles.Median(load.Where(r => r.Load == l && r.Target == target).Select(r =>
            load.FirstOrDefault(o => o.Load == l && o.Target == other && o.Round == r.Round) is { } o ? metric(r) / metric(o) : double.NaN)
            .Where(x => !double.IsNaN(x)));

    private static double IdleRatio(List<IdleResult> idle, FanoutTarget target, FanoutTarget other) =>
        Percentiles.Median(idle.Where(r => r.Target == target).Select(r =>
            idle.FirstOrDefault(o => o.Target == other && o.Round == r.Round) is { } o ? r.KiBPerConnection / o.KiBPerConnection : double.NaN)
            .Where(x => !double.IsNaN(x)));

    private static double Median(List<FanoutResult> rows, Func<FanoutResult, double> metric) => Percentiles.Median(rows.Select(metric));

    internal static string Name(FanoutTarget target) => target switch
    {
        FanoutTarget.Consumers => "Consumers",
        FanoutTarget.ConsumersBatch => "Consumers (batch)",
        FanoutTarget.SignalR => "SignalR",
        _ => "raw",
    };
}
