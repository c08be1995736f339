using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Consumers.Benchmarks.Fanout;

/// <summary>Runs <see cref="GroupSendBenchmarks"/> with BenchmarkDotNet (in process) and renders its table as Markdown.</summary>
internal static class GroupSendBenchmarkRun
{
    public static string Run(bool quick, MachineDescription machine)
        => Render(InProcessBenchmark.Run<GroupSendBenchmarks>(quick), machine, quick);

    private static string Render(Summary summary, MachineDescription machine, bool quick)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Group send: one message to the local members of a group (in-memory layer)").AppendLine();
        sb.AppendLine(MachineLines.Render(machine));
        sb.AppendLine(CultureInfo.InvariantCulture, $"""
            BenchmarkDotNet {typeof(Summary).Assembly.GetName().Version}, in-process toolchain, {InProcessBenchmark.Describe(quick)}, MemoryDiagnoser.
            Members are real `ConsumerChannel`s of the fan-out benchmark's `RoomConsumer`, made by `ConsumerSet.Create` as for an accepted socket and
            joined with the consumer's own `Join("r0")`, on `ConsumerConnection`s without a socket; each operation ends by taking every frame off
            every member's send queue and releasing it (the write loop's work around its socket write; no WebSocket framing, no socket).
            Without a socket every frame takes the queue path: a sender's direct write to an idle connection's socket is not exercised here.
            - **Broadcast**: `RoomConsumer.Broadcast("r0", text)`, the action body as the README writes it: `"room:" + room`, a `ChatLine`, source-generated
              serialization (64-character text), the `GroupMessage`, delivery to every member.
            - **Layer send**: `IGroupLayer.SendAsync("room:r0", message)` of one prebuilt `GroupMessage`: the group path alone.
            Per delivery = (20 members − 1 member) / 19: what each further member costs; the goal is 0 B allocated per delivery once warm.
            """).AppendLine();
        sb.AppendLine("| method | members | mean ns/op | error ns | allocated B/op |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        var rows = new List<(string Method, int Members, double Mean, double Allocated)>();
        foreach (var report in summary.Reports)
        {
            var stats = report.ResultStatistics;
            var members = (int)report.BenchmarkCase.Parameters["Members"];
            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? double.NaN;
            var method = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            rows.Add((method, members, stats?.Mean ?? double.NaN, allocated));
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {method} | {members} | {stats?.Mean:N1} | {stats?.StandardError:N1} | {allocated:N0} |");
        }

        sb.AppendLine();
        sb.AppendLine("| method | ns per delivery | allocated B per delivery | goal: 0 B per delivery |");
        sb.AppendLine("|---|---:|---:|---|");
        foreach (var method in rows.Select(r => r.Method).Distinct())
        {
            var one = rows.FirstOrDefault(r => r.Method == method && r.Members == 1);
            var twenty = rows.FirstOrDefault(r => r.Method == method && r.Members == 20);
            if (one.Method is null || twenty.Method is null)
            {
                continue;
            }

            var ns = (twenty.Mean - one.Mean) / 19;
            var bytes = (twenty.Allocated - one.Allocated) / 19;
            var verdict = double.IsNaN(bytes) ? "not measured" : bytes <= 0.5 ? "MET" : "MISSED";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {method} | {ns:N1} | {bytes:N1} | {verdict} (20 members: {twenty.Allocated:N0} B/op, 1 member: {one.Allocated:N0} B/op) |");
        }

        sb.AppendLine();
        return sb.ToString();
    }
}
