using System.Globalization;
using System.Text;
using Consumers.Benchmarks.Fanout;

namespace Consumers.Benchmarks.Streaming;

/// <summary>
/// Renders the stream benchmark's results as Markdown: the machine and the command, the issue's goals checked
/// (MET/MISSED with the ratio and its range over rounds), one table per streaming load, the least favourable load for
/// Consumers first, then the concurrent-action latency. Every ratio is a median over rounds of the ratio measured
/// within one round.
/// </summary>
internal static class StreamReport
{
    private static readonly StreamTarget[] Consumers = [StreamTarget.Consumers, StreamTarget.ConsumersBatch];

    /// <summary>The latency goal of issue 24: a request beside a running slow concurrent action answered within this.</summary>
    private const double LatencyGoalMicroseconds = 50_000;

    public static string Render(MachineDescription machine, StreamSettings settings, List<StreamResult> streams, List<LatencyResult> latency)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Streams and concurrent actions: Consumers vs SignalR").AppendLine();
        if (settings.IsQuick)
        {
            sb.AppendLine("> **Quick run** (`--quick`): one short round that checks the benchmark works, with fewer items per call, a short warm-up, " +
                "a short measured time and a short slow action. Its figures are not results: `build/bench.sh stream` on a quiet machine gives them.").AppendLine();
        }

        sb.Append(MachineLines.Render(machine, string.Create(CultureInfo.InvariantCulture,
            $"{settings.Rounds} round(s), {settings.Items:N0} items per call, {settings.WarmupDuration.TotalSeconds:0.#} s warm-up and {settings.MeasuredDuration.TotalSeconds:0.#} s measured per run, " +
            $"a {settings.SlowDuration.TotalSeconds:0.#} s slow action and {settings.LatencyRequests} requests per latency run")));
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Cores: not pinned: the servers and the load tool share all {machine.Processors} cores");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Load average at the end of the run (`/proc/loadavg`, 1/5/15 min; other processes' work shows here): {LoadAverage()}");
        if (streams.Count > 0)
        {
            var shares = streams.Select(r => r.HostStealShare).Order().ToList();
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"- Host steal time during the measured runs (`/proc/stat`, share of all cores): median {shares[shares.Count / 2]:P1}, highest {shares[^1]:P1}" +
                $" ({streams.Count(r => r.HostStealShare > 0.05)} of {streams.Count} runs above 5%)");
        }

        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $$"""
            Scenario: one client connection calls a streaming action that yields *N* items and reads them as they come. Each server is
            its own process on 127.0.0.1, fresh for every run, built as an app builds it: `WebApplication.CreateBuilder(args)` with the
            default configuration and logging providers, the minimum log level set to Warning for both alike, Kestrel, workstation
            concurrent GC. Both return the very same `IAsyncEnumerable<StreamItem>` (`ItemSource.Produce(count, textBytes, yieldEach)`,
            `record StreamItem(int Seq, string Text)`, source-generated JSON metadata). The load tool is one process of minimal
            raw-socket WebSocket clients (bulk reads, own frame parser, keys found by search rather than a JSON parse, the same for both)
            on the same cores.
            - **Consumers**: `[Action] public IAsyncEnumerable<StreamItem> Items(int count, int textBytes, bool yieldEach)` on
              `StreamConsumer`, `AddConsumers(o => o.RateLimitPerSecond = 0)` (the latency runs send requests back to back; SignalR
              has no such limit), `app.MapConsumer<StreamConsumer>("/ws")`. Request `{"action":"items","count":N,"text_bytes":8,"yield_each":false,"request_id":7}`;
              each item is an envelope `{"errors":[],"data":{"seq":0,"text":"..."},"action":"items","response_status":200,"request_id":7}`,
              the end one with 204 and `data: null`. The client offers no subprotocol, like dcrf-client and a plain `new WebSocket(url)`:
              one envelope per frame.
            - **Consumers (batch)**: the same server; the client offers `{{LoadClient.BatchSubprotocol}}`, with which the items a write
              holds leave as one JSON array frame. For reference: the goals are Consumers' plain figures.
            - **SignalR**: hub method `public IAsyncEnumerable<StreamItem> Items(int count, int textBytes, bool yieldEach)` on
              `StreamHub`, `AddSignalR().AddJsonProtocol(...)` with the same JSON context in its resolver chain,
              `app.MapHub<StreamHub>("/hub")`, JSON hub protocol over WebSockets (no negotiate). A `StreamInvocation`
              `{"type":4,"invocationId":"7","target":"Items","arguments":[N,8,false]}`; items `{"type":2,"invocationId":"7","item":<item>}`,
              the end `{"type":3,"invocationId":"7"}`; SignalR may put several records in one frame.
            - Each of the load's streams is a lane that calls again as soon as its call ended: {{settings.WarmupDuration.TotalSeconds:0.#}} s of warm-up, then, once
              the server has idled (two 300-ms windows of at most one clock tick of CPU, at most {{settings.SettleTimeout.TotalSeconds:0}} s: its JIT has compiled
              what the load runs), at least {{settings.MeasuredDuration.TotalSeconds:0.#}} s measured (the last calls finish). With several streams, each call
              streams N ÷ streams items.
            - items/s = items received ÷ (first measured request → last end frame). CPU/item = the server process's utime+stime
              (`/proc/<pid>/stat`) over that span ÷ items; context switches/item: its threads' voluntary + involuntary switches
              (`/proc/<pid>/task/*/status`) over the same span ÷ items; allocated B/item and GCs: the server's
              `GC.GetTotalAllocatedBytes()` and `GC.CollectionCount(0)`/`(2)` from its `/bench/allocations` endpoint, read before and after. Bytes/item: WebSocket payload bytes received ÷ items (envelope, separators
              and array brackets included, frame headers not). Items/frame: items ÷ WebSocket messages that carried any. Load tool
              CPU/item: the same for the load tool's process, which shares the cores with the server. Lost: items of ended calls
              that did not arrive; out of order: items whose `seq` did not follow the previous one's; refused: Consumers' 429 for a
              stream past `MaxConcurrentStreamsPerConnection` (10), retried at once.
            - Targets alternate per load within a round, the order rotates per round; figures are medians over rounds; ratios are
              medians over rounds of same-round ratios, with their range over the rounds when there are several.
            """).AppendLine();

        var loads = settings.Loads
            .Select(l => (Load: l, Score: Unfavourable(streams, l)))
            .OrderByDescending(x => double.IsNaN(x.Score) ? double.MinValue : x.Score)
            .Select(x => x.Load)
            .ToList();

        RenderGoals(sb, settings, loads, streams, latency);
        foreach (var load in loads)
        {
            RenderLoad(sb, load, streams);
        }

        RenderSamples(sb, streams);
        if (latency.Count > 0)
        {
            RenderLatency(sb, settings, latency);
        }

        return sb.ToString();
    }

    // How far the load is from the goals for Consumers: the worse of SignalR's items/s ÷ Consumers' and Consumers' CPU per item ÷ SignalR's.
    private static double Unfavourable(List<StreamResult> streams, StreamLoad load)
    {
        var throughput = Ratios(streams, load, StreamTarget.Consumers, r => r.ItemsPerSecond);
        var cpu = Ratios(streams, load, StreamTarget.Consumers, r => r.CpuMicrosecondsPerItem);
        return throughput.Count == 0 || cpu.Count == 0 ? double.NaN : Math.Max(1 / Percentiles.Median(throughput), Percentiles.Median(cpu));
    }

    private static void RenderGoals(StringBuilder sb, StreamSettings settings, List<StreamLoad> loads, List<StreamResult> streams, List<LatencyResult> latency)
    {
        sb.AppendLine("### Goals of issue 24").AppendLine();
        sb.AppendLine("Loads in order of how far Consumers is from the goals (the worse of SignalR's items/s ÷ Consumers' and Consumers' CPU per item ÷ SignalR's), " +
            "the least favourable first. A ratio is Consumers' figure ÷ SignalR's; in brackets its range over the rounds.").AppendLine();
        sb.AppendLine("| goal | load | Consumers | | Consumers (batch), for reference | |");
        sb.AppendLine("|---|---|---:|---|---:|---|");
        foreach (var load in loads)
        {
            Goal(sb, "items/s ≥ 1.0× SignalR", load, streams, r => r.ItemsPerSecond, ratio => ratio >= 1.0);
        }

        foreach (var load in loads)
        {
            Goal(sb, "server CPU per item ≤ 1.0× SignalR", load, streams, r => r.CpuMicrosecondsPerItem, ratio => ratio <= 1.0);
        }

        var mine = latency.Where(r => r.Target == StreamTarget.Consumers).ToList();
        if (mine.Count > 0)
        {
            // The worst round's p99: the goal is a bound, not a typical figure.
            var worst = mine.Max(r => r.BusyP99);
            var signalR = latency.Where(r => r.Target == StreamTarget.SignalR).Select(r => r.BusyP99).DefaultIfEmpty(double.NaN).Max();
            var met = worst < LatencyGoalMicroseconds && mine.All(r => r.Error is null && r.AnsweredWhileSlowRan == r.BusyMicroseconds.Length);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| a request on a connection running a {settings.SlowDuration.TotalSeconds:0.#} s concurrent action is answered in < 50 ms | p99 of {settings.LatencyRequests} requests, the worst round | " +
                $"{Micros(worst)} | {(met ? "MET" : "MISSED")} | SignalR with {settings.SignalRParallelInvocations} parallel invocations: {Micros(signalR)} | |");
        }

        sb.AppendLine();
    }

    private static void Goal(StringBuilder sb, string goal, StreamLoad load, List<StreamResult> streams, Func<StreamResult, double> metric, Func<double, bool> met)
    {
        sb.Append(CultureInfo.InvariantCulture, $"| {goal} | {load.Name} ");
        foreach (var target in Consumers)
        {
            var ratios = Ratios(streams, load, target, metric);
            sb.Append(CultureInfo.InvariantCulture, $"| {Percentiles.MedianWithRange(ratios)} | {(ratios.Count == 0 ? "not measured" : met(Percentiles.Median(ratios)) ? "MET" : "MISSED")} ");
        }

        sb.AppendLine("|");
    }

    private static void RenderLoad(StringBuilder sb, StreamLoad load, List<StreamResult> streams)
    {
        var rows = streams.Where(r => r.Load == load).ToList();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### {char.ToUpperInvariant(load.Name[0])}{load.Name[1..]}").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"{load.Streams} stream{(load.Streams == 1 ? string.Empty : "s at once")}, item text {load.TextBytes} characters, " +
            $"{(load.YieldEachItem ? "the producer awaits `Task.Yield()` before each item (none is ready when the server asks)" : "every item ready when the server asks")}.").AppendLine();
        sb.AppendLine("| server | items/s | ÷ SignalR | server CPU µs/item | ÷ SignalR | server context switches/item | server allocated B/item | server gen0 / gen2 GCs | bytes/item | items/frame | load tool CPU µs/item | peak RSS MiB | calls | lost | out of order | failed | refused (429) | per round: items/s @ CPU µs/item |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var target in Enum.GetValues<StreamTarget>())
        {
            var mine = rows.Where(r => r.Target == target).OrderBy(r => r.Round).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {Name(target)} | {Median(mine, r => r.ItemsPerSecond):N0} | {Percentiles.MedianWithRange(Ratios(streams, load, target, r => r.ItemsPerSecond))} " +
                $"| {Median(mine, r => r.CpuMicrosecondsPerItem):0.000} | {Percentiles.MedianWithRange(Ratios(streams, load, target, r => r.CpuMicrosecondsPerItem))} " +
                $"| {Median(mine, r => r.ContextSwitchesPerItem):0.000} | {Median(mine, r => r.AllocatedBytesPerItem):N0} | {Median(mine, r => r.ServerAllocations.Gen0):0} / {Median(mine, r => r.ServerAllocations.Gen2):0} | {Median(mine, r => r.BytesPerItem):N1} | {Median(mine, r => r.ItemsPerFrame):N1} | {Median(mine, r => r.ClientCpuMicrosecondsPerItem):0.000} " +
                $"| {Median(mine, r => r.PeakRssKiB / 1024.0):N0} | {mine.Sum(r => r.Calls)} | {mine.Sum(r => r.Lost):N0} | {mine.Sum(r => r.OutOfOrder):N0} " +
                $"| {mine.Sum(r => r.Failed)} | {mine.Sum(r => r.Refused)} " +
                $"| {string.Join("; ", mine.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.ItemsPerSecond:N0} @ {r.CpuMicrosecondsPerItem:0.000}")))} |");
        }

        sb.AppendLine();
        foreach (var error in rows.Where(r => r.FirstError is not null).Select(r => $"{Name(r.Target)}, round {r.Round}: {Truncate(r.FirstError!, 300)}").Distinct())
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- first error: {error}");
        }
    }

    private static void RenderSamples(StringBuilder sb, List<StreamResult> streams)
    {
        var samples = Enum.GetValues<StreamTarget>()
            .Select(t => (Target: t, Sample: streams.Where(r => r.Target == t && r.Load.TextBytes < 100).Select(r => r.SampleItem).FirstOrDefault(s => s is not null)))
            .Where(x => x.Sample is not null && x.Target != StreamTarget.ConsumersBatch)
            .ToList();
        if (samples.Count == 0)
        {
            return;
        }

        sb.AppendLine("An item as each server sent it (one protocol message, small items):").AppendLine();
        foreach (var (target, sample) in samples)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {Name(target)}: `{Truncate(sample!, 200)}`");
        }

        sb.AppendLine();
    }

    private static void RenderLatency(StringBuilder sb, StreamSettings settings, List<LatencyResult> latency)
    {
        sb.AppendLine("### A quick request beside a running slow concurrent action").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"""
            Two connections to a fresh server. Connection A starts a slow action (`Task.Delay({settings.SlowDuration.TotalMilliseconds:0})`, then its
            answer): in Consumers `[Action(Concurrent = true)] Task<int> Slow(int ms)`, in SignalR the hub method `Task<int> Slow(int ms)`
            with `MaximumParallelInvocationsPerClient = {settings.SignalRParallelInvocations}` (Consumers' default `MaxConcurrentActionsPerConnection`; with
            SignalR's default of 1 the request would wait for the slow one). 100 ms later, {settings.LatencyRequests} quick requests (`[Action] int Echo(int n)`,
            an ordered action; hub method `int Echo(int n)`), one at a time, on A (*busy*) and as many on B (*idle*), alternating
            between them and which goes first. Round trip: just before the request is sent → the load tool's receive loop reads the
            answer. Before, a warm-up of 500 quick requests on both and a 300-ms slow action on A, and the server idles.
            "Answered while it ran": busy requests whose answer came before the slow action's. p99 is by nearest rank: of {settings.LatencyRequests} requests,
            the {Ordinal(settings.LatencyRequests - (int)Math.Ceiling(0.99 * settings.LatencyRequests) + 1)} highest; "max" is the highest.
            """).AppendLine();
        sb.AppendLine("| server | idle p50 µs | idle p99 µs | busy p50 µs | busy p99 µs | busy max µs | busy p50 ÷ idle p50 | busy p99 ÷ idle p99 | busy p99 ÷ SignalR busy p99 | answered while it ran | slow action took s | per round: busy p50 / p99 µs |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var target in Enum.GetValues<StreamTarget>())
        {
            var mine = latency.Where(r => r.Target == target).OrderBy(r => r.Round).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            var versusSignalR = mine
                .Select(r => latency.FirstOrDefault(o => o.Target == StreamTarget.SignalR && o.Round == r.Round) is { } o ? r.BusyP99 / o.BusyP99 : double.NaN)
                .Where(x => !double.IsNaN(x)).ToList();
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {Name(target)} | {Median(mine, r => r.IdleP50):N0} | {Median(mine, r => r.IdleP99):N0} | {Median(mine, r => r.BusyP50):N0} | {Median(mine, r => r.BusyP99):N0} | {Median(mine, r => r.BusyMax):N0} " +
                $"| {Percentiles.MedianWithRange([.. mine.Select(r => r.BusyP50 / r.IdleP50)])} | {Percentiles.MedianWithRange([.. mine.Select(r => r.BusyP99 / r.IdleP99)])} | {Percentiles.MedianWithRange(versusSignalR)} " +
                $"| {mine.Sum(r => r.AnsweredWhileSlowRan)} of {mine.Sum(r => r.BusyMicroseconds.Length)} | {Median(mine, r => r.SlowSeconds):0.000} " +
                $"| {string.Join("; ", mine.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.BusyP50:N0} / {r.BusyP99:N0}")))} |");
        }

        sb.AppendLine();
        foreach (var r in latency.Where(r => r.Error is not null))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- error: {Name(r.Target)}, round {r.Round}: {Truncate(r.Error!, 300)}");
        }
    }

    /// <summary>Per round, <paramref name="target"/>'s metric ÷ SignalR's in the same round.</summary>
    private static List<double> Ratios(List<StreamResult> streams, StreamLoad load, StreamTarget target, Func<StreamResult, double> metric) =>
        [.. streams.Where(r => r.Load == load && r.Target == target).Select(r =>
            streams.FirstOrDefault(o => o.Load == load && o.Target == StreamTarget.SignalR && o.Round == r.Round) is { } o ? metric(r) / metric(o) : double.NaN)
            .Where(x => !double.IsNaN(x))];


    private static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Ordinal(int n) => n switch
    {
        1 => "very",
        2 => "second",
        3 => "third",
        _ => n.ToString(CultureInfo.InvariantCulture) + "th",
    };

    private static string Micros(double value) => double.IsNaN(value) ? "not measured" : value.ToString("N0", CultureInfo.InvariantCulture) + " µs";

    private static double Median<T>(List<T> rows, Func<T, double> metric) => Percentiles.Median(rows.Select(metric));

    private static string Truncate(string text, int length) =>
        (text.Length <= length ? text : text[..length] + "…").Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal).Replace("\u001e", string.Empty, StringComparison.Ordinal);

    internal static string Name(StreamTarget target) => target switch
    {
        StreamTarget.Consumers => "Consumers",
        StreamTarget.ConsumersBatch => "Consumers (batch)",
        _ => "SignalR",
    };
}
