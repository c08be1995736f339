using System.Globalization;
using System.Text;

namespace Consumers.Benchmarks;

/// <summary>Renders <see cref="NatsResults"/> as the markdown of bench/RESULTS-nats.md.</summary>
internal static class NatsReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(NatsResults results)
    {
        var s = results.Settings;
        var md = new StringBuilder();
        md.AppendLine(Invariant, $"# NATS benchmark{(s.IsQuick ? " (quick: not for comparison)" : string.Empty)}");
        md.AppendLine();
        var m = results.Machine;
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine(Invariant, $"| machine | `{m.Uname}` |");
        md.AppendLine(Invariant, $"| nproc | {m.Processors} |");
        md.AppendLine(Invariant, $"| CPU | {m.Cpu} |");
        md.AppendLine(Invariant, $"| date | {m.Date} |");
        md.AppendLine(Invariant, $"| .NET | {m.Dotnet} |");
        md.AppendLine(Invariant, $"| nats-server | {m.NatsServer} (own process, `-a 127.0.0.1 -p -1 -js -sd <temp>`) |");
        md.AppendLine(Invariant, $"| command | `{m.Command}` |");
        md.AppendLine();
        md.AppendLine("Everything (nats-server, the NATS clients, the Kestrel app nodes and the WebSocket clients) runs on this one");
        md.AppendLine("machine over loopback and shares its cores. Repetitions of different cases are interleaved.");
        md.AppendLine();

        RenderThroughput(md, results);
        RenderLatency(md, results);
        RenderGroupSend(md, results);
        md.AppendLine(Invariant, $"nats-server log lines reporting a slow consumer during the run: {results.SlowConsumerReports}.");
        return md.ToString();
    }

    private static void RenderThroughput(StringBuilder md, NatsResults results)
    {
        var s = results.Settings;
        md.AppendLine("## NATS client publish throughput (NATS.Client.Core 3.3.2)");
        md.AppendLine();
        md.AppendLine(Invariant, $"One publishing connection, one subscribing connection whose handler counts; median of {s.ThroughputRepetitions} repetitions after {s.WarmUpRounds} unrecorded.");
        md.AppendLine("*received* = messages received / (first publish → last message received). *publisher* = messages / (first publish →");
        md.AppendLine("PONG of the flush after the last one). *publish only* = the same with no subscriber on the subject.");
        md.AppendLine("Target: 0.3–1 M small msgs/s per connection; server ceiling here ~2.5 M (16 B) / 0.49 M (1 KiB) 1 → 1.");
        md.AppendLine();
        md.AppendLine("| payload | messages/rep | received msgs/s | received MB/s | publisher msgs/s | publish only msgs/s | lost (all reps) | received msgs/s per rep |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var size in s.PayloadSizes)
        {
            var pubSub = results.PubSub.Where(r => r.PayloadSize == size).ToList();
            var publishOnly = results.PublishOnly.Where(r => r.PayloadSize == size).ToList();
            if (pubSub.Count == 0)
            {
                continue;
            }

            md.AppendLine(Invariant,
                $"| {Size(size)} | {s.ThroughputMessages[size]:N0} | {Percentiles.Median(pubSub.Select(r => r.ReceiveRate)):N0} | {Percentiles.Median(pubSub.Select(r => r.ReceiveMegabytesPerSecond)):N1} | " +
                $"{Percentiles.Median(pubSub.Select(r => r.PublishRate)):N0} | {Percentiles.Median(publishOnly.Select(r => r.PublishRate)):N0} | {pubSub.Sum(r => r.Lost):N0} | " +
                $"{string.Join(", ", pubSub.Select(r => r.ReceiveRate.ToString("N0", Invariant)))} |");
        }

        md.AppendLine();
    }

    private static void RenderLatency(StringBuilder md, NatsResults results)
    {
        var s = results.Settings;
        md.AppendLine("## Request round trip");
        md.AppendLine();
        md.AppendLine("A responder connection echoes each message to the reply subject, to which the requester connection is subscribed;");
        md.AppendLine(Invariant, $"the requester sends one at a time and awaits the echo (continuation off the read loop). {s.LatencyWarmUp:N0} warm-up round trips, then the recorded ones.");
        md.AppendLine();
        md.AppendLine("| payload | round trips | p50 µs | p90 µs | p99 µs | sequential round trips/s |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var latency in results.Latency)
        {
            md.AppendLine(Invariant, $"| {Size(latency.PayloadSize)} | {latency.Count:N0} | {latency.P50:N0} | {latency.P90:N0} | {latency.P99:N0} | {latency.RoundTripsPerSecond:N0} |");
        }

        md.AppendLine();
    }

    private static void RenderGroupSend(StringBuilder md, NatsResults results)
    {
        var s = results.Settings;
        md.AppendLine("## Group send, end to end");
        md.AppendLine();
        md.AppendLine(Invariant, $"Kestrel app node(s) in this process; {s.GroupClients} WebSocket clients in `{GroupSendTrial.Group}`, split evenly across the nodes;");
        md.AppendLine(Invariant, $"one sender on the first node sends {s.GroupMessages:N0} group messages (~100 B of JSON each) through `IGroupSender`, at most");
        md.AppendLine(Invariant, $"{s.GroupWindow} messages ahead of the slowest client (the runtime closes a client whose 1,024-frame send queue fills).");
        md.AppendLine("delivered/s = messages × clients / (first send → the last client received the last message). Configurations alternate");
        md.AppendLine(Invariant, $"(A B C D A B C D ...) for {s.GroupRounds} rounds after {s.WarmUpRounds} unrecorded; each trial on fresh nodes and clients, after 200 warm-up messages every client must receive.");
        md.AppendLine("*paired ratio* = median over rounds of (this configuration / in-memory in the same round), less sensitive to drift.");
        md.AppendLine("*CPU/delivery* = (this process's utime + stime, which holds the app nodes and the WebSocket clients, + nats-server's) over the");
        md.AppendLine("measured sends until the last delivery, / deliveries; the clients' share is the same in every configuration. Each trial runs on");
        md.AppendLine("fresh nodes: the measured sends start once this process has idled after the warm-up (two 300-ms windows of at most one clock");
        md.AppendLine(Invariant, $"tick), so that the JIT's tier-up of the new nodes' code is not counted. Clock-tick resolution: {ProcStat.ClockTickSeconds * 1000:0} ms, over measured runs of {Percentiles.Median(results.GroupSend.Select(t => t.Elapsed.TotalSeconds)):0.0} s (median).");
        md.AppendLine();
        md.AppendLine("| configuration | nodes | delivered msgs/s (median) | ratio of medians to in-memory | paired ratio | CPU µs/delivery (median) | of which nats-server | CPU paired ratio | group sends/s (median) | lost (all rounds) | delivered msgs/s per round |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var inMemory = results.GroupSend.Where(t => t.Setup == GroupLayerSetup.InMemory).ToList();
        var baseline = Percentiles.Median(results.GroupSend.Where(t => t.Setup == GroupLayerSetup.InMemory).Select(t => t.DeliveredPerSecond));
        foreach (var setup in Enum.GetValues<GroupLayerSetup>())
        {
            var trials = results.GroupSend.Where(t => t.Setup == setup).ToList();
            if (trials.Count == 0)
            {
                continue;
            }

            var median = Percentiles.Median(trials.Select(t => t.DeliveredPerSecond));
            var paired = Percentiles.Median(trials.Zip(inMemory, (t, b) => t.DeliveredPerSecond / b.DeliveredPerSecond));
            var cpu = Percentiles.Median(trials.Select(t => t.CpuMicrosecondsPerDelivery));
            var natsCpu = Percentiles.Median(trials.Select(t => t.NatsServerCpuMicrosecondsPerDelivery));
            var cpuPaired = Percentiles.Median(trials.Zip(inMemory, (t, b) => t.CpuMicrosecondsPerDelivery / b.CpuMicrosecondsPerDelivery));
            var (name, nodes) = setup switch
            {
                GroupLayerSetup.InMemory => ("in-memory", 1),
                GroupLayerSetup.NatsOneNode => ("Consumers.Nats (JetStream)", 1),
                GroupLayerSetup.NatsTwoNodes => ("Consumers.Nats (JetStream)", 2),
                _ => ("Consumers.Nats (JetStream off)", 2),
            };
            md.AppendLine(Invariant,
                $"| {name} | {nodes} | {median:N0} | {median / baseline:0.00} | {paired:0.00} | {cpu:0.000} | {natsCpu:0.000} | {cpuPaired:0.00} | {median / s.GroupClients:N0} | {trials.Sum(t => t.Lost):N0} | " +
                $"{string.Join(", ", trials.Select(t => t.DeliveredPerSecond.ToString("N0", Invariant) + (t.TimedOut ? " (timed out)" : string.Empty)))} |");
        }

        md.AppendLine();
        foreach (var failure in results.GroupSend.Where(t => t.ClientFailure is not null || t.TimedOut))
        {
            md.AppendLine(Invariant, $"- {failure.Setup}: {(failure.TimedOut ? "timed out; " : string.Empty)}{failure.ClientFailure ?? "no client was closed"}; lost {failure.Lost:N0} of {failure.Expected:N0}.");
        }

        md.AppendLine();
    }

    private static string Size(int bytes) => bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} B";
}
