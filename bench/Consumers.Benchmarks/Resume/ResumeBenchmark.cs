using System.Globalization;
using System.Text;
using Consumers.Benchmarks.Fanout;

namespace Consumers.Benchmarks.Resume;

/// <summary>
/// <c>build/bench.sh resume</c> (issue 25): what <c>consumers.resume</c> costs on the fan-out path, the same server's
/// clients with and without the subprotocol in the same run (server CPU per delivery; the goal is at most 1.10×), and
/// the resume latency (socket up → first replayed frame) p50/p99.
/// </summary>
internal static class ResumeBenchmark
{
    /// <param name="quick">A short run to check it works.</param>
    /// <param name="pinning">With <c>--pin</c>: the server on its own core, the load tool on the others; else null.</param>
    /// <param name="command">The command line, for the report.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<(string Report, bool Warn)> RunAsync(bool quick, CorePinning? pinning, string command, CancellationToken cancellationToken)
    {
        var settings = (quick ? FanoutSettings.Quick : FanoutSettings.Full) with
        {
            Loads = [FanoutSettings.IssueLoads[0], FanoutSettings.IssueLoads[2]],
            Targets = [FanoutTarget.Consumers, FanoutTarget.ConsumersResume, FanoutTarget.ConsumersResumeSparseAcks],
            Idle = false,
            Pinning = pinning,
        };
        if (quick)
        {
            settings = settings with { Rooms = 2, ClientsPerRoom = 5, SaturatedDuration = TimeSpan.FromSeconds(1), PacedDuration = TimeSpan.FromSeconds(1) };
        }

        var (load, _) = await FanoutBenchmark.RunAsync(settings, cancellationToken).ConfigureAwait(false);
        var latency = await ResumeLatency.MeasureAsync(quick ? 10 : 300, cancellationToken).ConfigureAwait(false);
        var machine = await MachineDescription.CollectAsync(command).ConfigureAwait(false);
        if (pinning is not null)
        {
            // nproc counts the cores this process may use: the machine's are the ones the run was started with.
            machine = machine with { Processors = pinning.Cores.Count.ToString(CultureInfo.InvariantCulture) };
        }

        return (Render(machine, settings, load, latency), load.Any(r => r.Lost > 0 || r.TimedOut));
    }

    private static string Render(MachineDescription machine, FanoutSettings settings, List<FanoutResult> load, List<double> latency)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Resumable connections: the cost on the fan-out path, and resume latency (issue 25)").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{machine.Command}`, {machine.Date}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {machine.Cpu}, {machine.Processors} cores; {machine.Dotnet}");
        sb.AppendLine(settings.Pinning is { } pinned
            ? $"- Placement: {pinned.Describe()} (taskset): the server's CPU is its own, not shared with the load tool's; the resume-latency server is not pinned."
            : "- Placement: not pinned: the server and the load tool share the machine's cores, as a user's first run would (`--pin` puts the server on a core of its own).");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- {settings.Rounds} rounds; {settings.Rooms} rooms × {settings.ClientsPerRoom} clients, {settings.SendersPerRoom} senders per room; the server is the fan-out benchmark's Consumers process, the same for both kinds of client, which alternate within each round.");
        sb.AppendLine("- **Consumers**: the clients offer no subprotocol. **Consumers (resume)**: they offer `consumers.resume`; the server counts and keeps every frame until the client's `$ack`, sent every 50 frames as the shipped clients send it; frames past the unacknowledged bound (256 KiB) wait for an `$ack`. **$ack every 1,000**: the same, the clients acknowledging every 1,000 frames, which leaves what numbering and keeping the frames cost apart from reading the acknowledgements (each one a read of a socket that otherwise only receives).").AppendLine();
        sb.AppendLine("## Cost on the fan-out path").AppendLine();
        sb.AppendLine("| load | server CPU µs/delivery, plain | with resume | resume ÷ plain (median of rounds, range) | $ack every 1,000 ÷ plain | msg/s plain | msg/s resume | p50 µs plain / resume | p99 µs plain / resume | lost |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var l in settings.Loads)
        {
            var plain = load.Where(r => r.Load == l && r.Target == FanoutTarget.Consumers).ToList();
            var resume = load.Where(r => r.Load == l && r.Target == FanoutTarget.ConsumersResume).ToList();
            var sparse = load.Where(r => r.Load == l && r.Target == FanoutTarget.ConsumersResumeSparseAcks).ToList();
            if (plain.Count == 0 || resume.Count == 0)
            {
                continue;
            }

            var ratios = RatiosToPlain(resume, plain);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {l.Name} | {Percentiles.Median(plain.Select(r => r.CpuMicrosecondsPerDelivery)):0.000} | {Percentiles.Median(resume.Select(r => r.CpuMicrosecondsPerDelivery)):0.000} | {Percentiles.MedianWithRange(ratios)} | {(sparse.Count == 0 ? "not measured" : Percentiles.MedianWithRange(RatiosToPlain(sparse, plain)))} " +
                $"| {Percentiles.Median(plain.Select(r => r.DeliveredPerSecond)):N0} | {Percentiles.Median(resume.Select(r => r.DeliveredPerSecond)):N0} " +
                $"| {Percentiles.Median(plain.Select(r => r.P50Microseconds)):N0} / {Percentiles.Median(resume.Select(r => r.P50Microseconds)):N0} " +
                $"| {Percentiles.Median(plain.Select(r => r.P99Microseconds)):N0} / {Percentiles.Median(resume.Select(r => r.P99Microseconds)):N0} | {plain.Sum(r => r.Lost) + resume.Sum(r => r.Lost):N0} |");
        }

        sb.AppendLine().AppendLine("## Resume latency").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{latency.Count} resumes, one client each: joined a room, TCP reset, one message sent to the room, back with its token; from its socket up (the 101 read) to the first replayed frame.").AppendLine();
        sb.AppendLine("| p50 µs | p99 µs | max µs |");
        sb.AppendLine("|---:|---:|---:|");
        var values = latency.ToArray();
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {Percentiles.Of(values, 50):N0} | {Percentiles.Of(values, 99):N0} | {values.Max():N0} |");
        return sb.ToString();
    }

    // Per round: a run's CPU per delivery ÷ the plain clients' run of the same round.
    private static List<double> RatiosToPlain(List<FanoutResult> runs, List<FanoutResult> plain)
        => [.. runs.Select(r => plain.FirstOrDefault(p => p.Round == r.Round) is { } p ? r.CpuMicrosecondsPerDelivery / p.CpuMicrosecondsPerDelivery : double.NaN).Where(x => !double.IsNaN(x))];
}
