using System.Globalization;
using System.Text;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// Renders the fan-out results as Markdown: the machine, the command and where the processes ran (pinned to cores with
/// <c>--pin</c>, or not), the issue's goals checked (MET/MISSED with the ratio), then one table per load, the least
/// favourable load for Consumers first, and the idle connections' memory (resident set with and without a forced
/// collection, and managed bytes).
/// Every ratio is a median over rounds of the ratio measured within one round.
/// </summary>
internal static class FanoutReport
{
    private static readonly FanoutTarget[] Consumers = [FanoutTarget.Consumers, FanoutTarget.ConsumersBatch];

    /// <summary>The idle-connection figures, each with what the goal table calls it.</summary>
    private static readonly (string Name, Func<IdleResult, double> Metric)[] IdleFigures =
    [
        ("RSS, no GC forced", r => r.KiBPerConnection),
        ("RSS after a forced GC", r => r.CollectedKiBPerConnection),
        ("managed (`GC.GetTotalMemory(true)`)", r => r.ManagedKiBPerConnection),
    ];

    public static string Render(MachineDescription machine, FanoutSettings settings, List<FanoutResult> load, List<IdleResult> idle)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Fan-out: chat rooms, Consumers vs SignalR vs a raw Kestrel broadcaster").AppendLine();
        sb.Append(MachineLines.Render(machine, string.Create(CultureInfo.InvariantCulture,
            $"{settings.Rounds} round(s), {settings.SaturatedDuration.TotalSeconds:0.#} s saturated / {settings.PacedDuration.TotalSeconds:0.#} s paced per run")));
        var counted = load.Select(r => r.ServerProcessors).Concat(idle.Select(r => r.ServerProcessors)).Distinct().Order().ToList();
        var seen = counted.Count == 0 ? string.Empty
            : $"; the servers' .NET runtime counted {string.Join(" or ", counted)} core{(counted.Count == 1 && counted[0] == 1 ? string.Empty : "s")} (`Environment.ProcessorCount`)";
        sb.AppendLine(settings.Pinning is { } pinning
            ? $"- Cores: {pinning.Describe()}{seen}"
            : $"- Cores: not pinned (`--pin` pins them): the servers and the load tool share all {machine.Processors} cores{seen}");
        sb.AppendLine();
        if (load.Count > 0)
        {
            // What the hypervisor took during the measured runs: figures of runs with much of it are not the servers' own.
            var shares = load.Select(r => r.HostStealShare).Order().ToList();
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"- Host steal time during the measured runs (`/proc/stat`, share of all cores): median {shares[shares.Count / 2]:P1}, highest {shares[^1]:P1}" +
                $" ({load.Count(r => r.HostStealShare > 0.05)} of {load.Count} runs above 5%)").AppendLine();
        }

        var loadToolCores = settings.Pinning is null ? "on the same cores" : "on the other core(s) (see Cores above)";
        var loadToolShares = settings.Pinning is null ? "which shares the cores with the server" : "which runs on its own core(s) here";
        sb.AppendLine(CultureInfo.InvariantCulture, $$"""
            Scenario: {{settings.Rooms}} rooms × {{settings.ClientsPerRoom}} clients, {{settings.SendersPerRoom}} senders per room (members of the room); every message
            is delivered to every client of its room, the sender included. Each server is its own process on 127.0.0.1, fresh for every
            run, built as an app builds it: `WebApplication.CreateBuilder(args)` with the default configuration and logging providers,
            the minimum log level set to Warning for all three alike, Kestrel, workstation concurrent GC. The load tool is one process of
            minimal raw-socket WebSocket clients (bulk reads, own frame parser) {{loadToolCores}}.
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
              Load tool CPU/delivery: the same for the load tool's process (all 200 clients), {{loadToolShares}}.
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

        foreach (var (figure, metric) in IdleFigures)
        {
            var idleRatio = IdleRatio(idle, FanoutTarget.Consumers, FanoutTarget.SignalR, metric);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| bytes per idle connection ≤ SignalR | {settings.IdleConnections:N0} idle connections, {figure} | {idleRatio:0.00} | {Verdict(idleRatio, idleRatio <= 1.0)} | (same server) | | {Reference(IdleRatio(idle, FanoutTarget.Raw, FanoutTarget.SignalR, metric))} |");
        }

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
        sb.AppendLine("""
            One warm connection with traffic and one request to the memory probe (collecting nothing) first; then the idle
            connections connect and join (rooms of 20), and 2 s of settling. Each figure is the server's growth from before the
            connections to after, ÷ connections:
            - **RSS, no GC forced**: VmRSS (`/proc/<pid>/status`) with no collection forced, the figure of the earlier runs (in which,
              unlike here, no collection was forced between its two readings); garbage the server has not collected yet counts.
            - **RSS after a forced GC**: VmRSS read right after the memory probe's forced collections, before and after the
              connections: what they hold resident, the server's uncollected garbage not counted (the runtime may still keep
              freed heap memory committed).
            - **managed**: the server's live managed bytes, `GC.GetTotalMemory(true)` (full blocking collections until the size
              settles), from its `GET /bench/memory` endpoint, the same code mapped in all three servers. **GC heap**:
              `GC.GetGCMemoryInfo().HeapSizeBytes` right after those collections (fragmentation included).

            Ratios are medians over rounds of same-round ratios, with their range over the rounds when there are several. Peak RSS
            is VmHWM at the end. Consumers (batch) is the same server and is not run.
            """).AppendLine();
        sb.AppendLine("| server | RSS KiB per idle connection, no GC forced | ÷ SignalR | ÷ raw | RSS KiB per idle connection after a forced GC | ÷ SignalR | managed KiB per idle connection | ÷ SignalR | GC heap KiB per idle connection | ÷ SignalR | RSS before MiB | RSS after MiB | peak RSS MiB | managed before MiB | managed after MiB |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var target in Enum.GetValues<FanoutTarget>())
        {
            var mine = idle.Where(r => r.Target == target).OrderBy(r => r.Round).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            string Figure(Func<IdleResult, double> metric) => string.Create(CultureInfo.InvariantCulture,
                $"{Percentiles.Median(mine.Select(metric)):N1} | {RatioWithRange(idle, target, FanoutTarget.SignalR, metric)}");

            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {Name(target)} | {Figure(r => r.KiBPerConnection)} | {RatioWithRange(idle, target, FanoutTarget.Raw, r => r.KiBPerConnection)} " +
                $"| {Figure(r => r.CollectedKiBPerConnection)} | {Figure(r => r.ManagedKiBPerConnection)} | {Figure(r => r.HeapKiBPerConnection)} " +
                $"| {Percentiles.Median(mine.Select(r => r.RssBeforeKiB / 1024.0)):N0} | {Percentiles.Median(mine.Select(r => r.RssAfterKiB / 1024.0)):N0} " +
                $"| {Percentiles.Median(mine.Select(r => r.PeakRssKiB / 1024.0)):N0} " +
                $"| {Percentiles.Median(mine.Select(r => r.ManagedBefore.LiveBytes / 1048576.0)):N1} | {Percentiles.Median(mine.Select(r => r.ManagedAfter.LiveBytes / 1048576.0)):N1} |");
        }

        sb.AppendLine();
        sb.AppendLine("Per round, KiB per idle connection:").AppendLine();
        sb.AppendLine("| server | RSS, no GC forced | RSS after a forced GC | managed | GC heap |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var target in Enum.GetValues<FanoutTarget>())
        {
            var mine = idle.Where(r => r.Target == target).OrderBy(r => r.Round).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            string Rounds(Func<IdleResult, double> metric) => string.Join(", ", mine.Select(r => metric(r).ToString("N1", CultureInfo.InvariantCulture)));

            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {Name(target)} | {Rounds(r => r.KiBPerConnection)} | {Rounds(r => r.CollectedKiBPerConnection)} | {Rounds(r => r.ManagedKiBPerConnection)} | {Rounds(r => r.HeapKiBPerConnection)} |");
        }

        sb.AppendLine();
    }

    /// <summary>The median over rounds of <paramref name="target"/>'s metric ÷ <paramref name="other"/>'s in the same round.</summary>
    private static double Ratio(List<FanoutResult> load, FanoutLoad l, FanoutTarget target, FanoutTarget other, Func<FanoutResult, double> metric) =>
        Percentiles.Median(load.Where(r => r.Load == l && r.Target == target).Select(r =>
            load.FirstOrDefault(o => o.Load == l && o.Target == other && o.Round == r.Round) is { } o ? metric(r) / metric(o) : double.NaN)
            .Where(x => !double.IsNaN(x)));

    private static double IdleRatio(List<IdleResult> idle, FanoutTarget target, FanoutTarget other, Func<IdleResult, double> metric) =>
        Percentiles.Median(IdleRatios(idle, target, other, metric));

    /// <summary>The median same-round ratio, and with several rounds its range over them: <c>0.94 (0.91–0.97)</c>.</summary>
    private static string RatioWithRange(List<IdleResult> idle, FanoutTarget target, FanoutTarget other, Func<IdleResult, double> metric)
        => Percentiles.MedianWithRange(IdleRatios(idle, target, other, metric));

    private static List<double> IdleRatios(List<IdleResult> idle, FanoutTarget target, FanoutTarget other, Func<IdleResult, double> metric) =>
        [.. idle.Where(r => r.Target == target).Select(r =>
            idle.FirstOrDefault(o => o.Target == other && o.Round == r.Round) is { } o ? metric(r) / metric(o) : double.NaN)
            .Where(x => !double.IsNaN(x))];

    private static double Median(List<FanoutResult> rows, Func<FanoutResult, double> metric) => Percentiles.Median(rows.Select(metric));

    internal static string Name(FanoutTarget target) => target switch
    {
        FanoutTarget.Consumers => "Consumers",
        FanoutTarget.ConsumersBatch => "Consumers (batch)",
        FanoutTarget.ConsumersResume => "Consumers (resume)",
        FanoutTarget.ConsumersResumeSparseAcks => "Consumers (resume, $ack every 1,000)",
        FanoutTarget.SignalR => "SignalR",
        _ => "raw",
    };
}
