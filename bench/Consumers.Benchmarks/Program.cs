using Consumers.Benchmarks;

// Custom load programs rather than BenchmarkDotNet: they need an external nats-server, many sockets and
// end-to-end timing across processes, which BenchmarkDotNet's per-invocation model does not fit.
const string Usage = "usage: Consumers.Benchmarks nats [--quick] [--out PATH]";

if (args.Length == 0 || args[0] != "nats")
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var quick = args.Contains("--quick");
var outIndex = Array.IndexOf(args, "--out");
if (outIndex >= 0 && outIndex + 1 >= args.Length)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

if (NatsServerProcess.FindBinary() is null)
{
    Console.Error.WriteLine(NatsServerProcess.NotFoundMessage);
    return 1;
}

// Quick runs only check that everything works: they must not overwrite the committed full results.
var output = outIndex >= 0
    ? Path.GetFullPath(args[outIndex + 1])
    : Path.Combine(RepositoryRoot.Find(), "bench", quick ? "RESULTS-nats-quick.md" : "RESULTS-nats.md");
var command = Environment.GetEnvironmentVariable("CONSUMERS_BENCH_COMMAND")
    ?? "dotnet run -c Release --project bench/Consumers.Benchmarks -- " + string.Join(' ', args);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var results = await NatsBenchmark.RunAsync(quick ? NatsBenchmarkSettings.Quick : NatsBenchmarkSettings.Full, command, cancel.Token);
var report = NatsReport.Render(results);
Console.WriteLine(report);
await File.WriteAllTextAsync(output, report);
Console.Error.WriteLine($"written to {output}");

// Losses and time-outs are results (reported in the tables), not failures of the program; say so loudly anyway.
if (results.GroupSend.Any(t => t.TimedOut || t.Lost > 0) || results.PubSub.Any(r => r.Lost > 0))
{
    Console.Error.WriteLine("WARNING: some messages were lost or a trial timed out; see the report.");
}

return 0;
