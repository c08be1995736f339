using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Consumers.Benchmarks.Dispatch;

/// <summary>Runs <see cref="DispatchBenchmarks"/> with BenchmarkDotNet (in process) and renders its table as Markdown.</summary>
internal static class DispatchBenchmarkRun
{
    public static string Run(bool quick, MachineDescription machine)
        => Render(InProcessBenchmark.Run<DispatchBenchmarks>(quick), machine, quick);

    private static string Render(Summary summary, MachineDescription machine, bool quick)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Dispatch: one request, parse → bind two parameters → invoke → reply").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: `{machine.Uname}`, {machine.Processors} cores ({machine.Cpu}); {machine.Dotnet}; {machine.Date}; command `{machine.Command}`.").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $$"""
            BenchmarkDotNet {{typeof(Summary).Assembly.GetName().Version}}, in-process toolchain, {{InProcessBenchmark.Describe(quick)}}, MemoryDiagnoser.
            The three benchmarks alternate only as BenchmarkDotNet runs them (one after the other in one process); ratios are to the floor in this run.
            Request `{"action":"add","a":20,"b":22,"request_id":7}` (Consumers, floor) / `{"type":1,"invocationId":"7","target":"Add","arguments":[20,22]}` (SignalR).
            - **Consumers**: `ConsumerSet.HandleAsync` of a plain-endpoint connection (what the connection's dispatch loop calls per message):
              header parse, generated switch + binder, the action, the envelope written into a pooled frame queued on the connection's send
              channel; then the frame is taken off the channel and released (the write loop's work minus the socket send).
            - **SignalR**: `HubConnectionHandler<AddHub>` on an in-memory connection (`DefaultConnectionContext` over two `Pipe`s with
              inline schedulers): write + flush the invocation, SignalR's loop parses it (JSON hub protocol), `DefaultHubDispatcher` binds and
              invokes (a hub instance per invocation, as in production), writes the completion; the benchmark reads and consumes it.
            - **Floor**: `Utf8JsonReader` pass + `switch` + a reused `Utf8JsonWriter`, the same envelope as Consumers.
            Neither includes the WebSocket framing or the socket.
            """).AppendLine();
        sb.AppendLine("| method | mean ns/op | error ns | ratio to floor | allocated B/op |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        var floor = summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(DispatchBenchmarks.Floor));
        foreach (var report in summary.Reports)
        {
            var stats = report.ResultStatistics;
            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            var ratio = stats is not null && floor?.ResultStatistics is { } f ? stats.Mean / f.Mean : double.NaN;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo} | {stats?.Mean:N1} | {stats?.StandardError:N1} | {ratio:0.00} | {allocated:N0} |");
        }

        sb.AppendLine();
        return sb.ToString();
    }
}
