using System.Globalization;
using System.Text;

namespace Consumers.Benchmarks.Fanout;

/// <summary>Renders the fan-out results as Markdown: medians per server, ratios to SignalR and to the raw broadcaster.</summary>
internal static class FanoutReport
{
    public static string Render(MachineDescription machine, FanoutSettings settings, List<FanoutResult> load, List<IdleResult> idle)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Fan-out: chat rooms, three servers").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: `{machine.Uname}`, {machine.Processors} cores ({machine.Cpu}); {machine.Dotnet}; {machine.Date}; command `{machine.Command}`.").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"""
            Scenario: {settings.Rooms} rooms × {settings.ClientsPerRoom} clients, {settings.SendersPerRoom} senders per room (members of the room),
            body {settings.PayloadBytes} B; every message is delivered to every client of its room, the sender included.
            Each server is its own process on 127.0.0.1 (this program with `fanout-server <target>`, the same host settings: slim builder,
            warnings-only logging, workstation concurrent GC), fresh for every run; the load tool is one process of minimal raw-socket
            WebSocket clients (bulk reads, own frame parser, SignalR frames split on 0x1E) on the same 2 cores.
            - (a) **Consumers**: `FanoutConsumer.say(body)` → `SendToGroupAsync("room:" + room, new ChatLine(body))` (DCRF protocol: the
              sender also gets a 200 reply per request). (b) **SignalR**: hub `Send(body)` → `Clients.Group(room).SendAsync("m", body)`,
              JSON hub protocol, WebSockets without negotiate. (c) **raw**: Kestrel WebSockets, each received message copied once and queued
              to every member's writer, one frame per message.
            - *saturated*: each sender keeps at most {settings.Window} of its messages in flight (counted by their echo to itself) for
              {settings.SaturatedDuration.TotalSeconds:0.#} s. *paced*: {settings.PacedRatePerSender} msg/s per sender for {settings.PacedDuration.TotalSeconds:0.#} s
              ({settings.PacedRatePerSender * settings.Rooms * settings.SendersPerRoom * settings.ClientsPerRoom:N0} deliveries/s offered).
              A warm-up of {settings.WarmupMessagesPerSender} messages per sender, fully delivered, precedes each measured run.
            - delivered/s = deliveries / (first measured send → last delivery). CPU/delivery = the server process's utime+stime
              (`/proc/<pid>/stat`, 10 ms ticks) over the measured run and its drain, / deliveries. Latency: send timestamp in the body →
              receipt, over all deliveries. Peak RSS: VmHWM at the end of the run. Lost = expected − delivered after the drain
              (≤ {settings.DrainTimeout.TotalSeconds:0} s). {settings.Rounds} round(s); servers alternate within a round and the order rotates;
              figures are medians over rounds; *ratio* columns are medians over rounds of the ratio measured in the same round.
            """).AppendLine();

        foreach (var paced in new[] { false, true })
        {
            var rows = load.Where(r => r.Paced == paced).ToList();
            sb.AppendLine(paced ? "### Paced" : "### Saturated").AppendLine();
            sb.AppendLine("| server | delivered msg/s | ÷ SignalR | ÷ raw | server CPU µs/delivery | ÷ SignalR | ÷ raw | p50 µs | p99 µs | p99 ÷ SignalR | peak RSS MiB | lost | out of order | clients closed | per round msg/s |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var target in Enum.GetValues<FanoutTarget>())
            {
                var mine = rows.Where(r => r.Target == target).OrderBy(r => r.Round).ToList();
                if (mine.Count == 0)
                {
                    continue;
                }

                double Ratio(FanoutTarget other, Func<FanoutResult, double> metric) => Percentiles.Median(mine.Select(r =>
                    rows.FirstOrDefault(o => o.Target == other && o.Round == r.Round) is { } o ? metric(r) / metric(o) : double.NaN));

                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {Name(target)} | {Median(mine, r => r.DeliveredPerSecond):N0} | {Ratio(FanoutTarget.SignalR, r => r.DeliveredPerSecond):0.00} | {Ratio(FanoutTarget.Raw, r => r.DeliveredPerSecond):0.00} " +
                    $"| {Median(mine, r => r.CpuMicrosecondsPerDelivery):0.000} | {Ratio(FanoutTarget.SignalR, r => r.CpuMicrosecondsPerDelivery):0.00} | {Ratio(FanoutTarget.Raw, r => r.CpuMicrosecondsPerDelivery):0.00} " +
                    $"| {Median(mine, r => r.P50Microseconds):N0} | {Median(mine, r => r.P99Microseconds):N0} | {Ratio(FanoutTarget.SignalR, r => r.P99Microseconds):0.00} " +
                    $"| {Median(mine, r => r.PeakRssKiB / 1024.0):N0} | {mine.Sum(r => r.Lost):N0} | {mine.Sum(r => r.OutOfOrder):N0} | {mine.Sum(r => r.ClientsClosed)} " +
                    $"| {string.Join(", ", mine.Select(r => r.DeliveredPerSecond.ToString("N0", CultureInfo.InvariantCulture)))} |");
            }

            sb.AppendLine();
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $"### Idle connections ({settings.IdleConnections:N0})").AppendLine();
        sb.AppendLine("VmRSS after one warm connection, then after the idle connections connected (in rooms of 20) and 2 s of settling; no GC forced.").AppendLine();
        sb.AppendLine("| server | KiB per idle connection | ÷ SignalR | ÷ raw | RSS before MiB | RSS after MiB | per round KiB/connection |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var target in Enum.GetValues<FanoutTarget>())
        {
            var mine = idle.Where(r => r.Target == target).OrderBy(r => r.Round).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            double Ratio(FanoutTarget other) => Percentiles.Median(mine.Select(r =>
                idle.FirstOrDefault(o => o.Target == other && o.Round == r.Round) is { } o ? r.KiBPerConnection / o.KiBPerConnection : double.NaN));

            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {Name(target)} | {Percentiles.Median(mine.Select(r => r.KiBPerConnection)):N1} | {Ratio(FanoutTarget.SignalR):0.00} | {Ratio(FanoutTarget.Raw):0.00} " +
                $"| {Percentiles.Median(mine.Select(r => r.RssBeforeKiB / 1024.0)):N0} | {Percentiles.Median(mine.Select(r => r.RssAfterKiB / 1024.0)):N0} " +
                $"| {string.Join(", ", mine.Select(r => r.KiBPerConnection.ToString("N1", CultureInfo.InvariantCulture)))} |");
        }

        sb.AppendLine();
        return sb.ToString();
    }

    private static double Median(List<FanoutResult> rows, Func<FanoutResult, double> metric) => Percentiles.Median(rows.Select(metric));

    private static string Name(FanoutTarget target) => target switch
    {
        FanoutTarget.Consumers => "(a) Consumers",
        FanoutTarget.SignalR => "(b) SignalR",
        _ => "(c) raw",
    };
}
