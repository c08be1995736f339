using Consumers.Benchmarks;
using Consumers.Benchmarks.Dispatch;
using Consumers.Benchmarks.Fanout;
using Consumers.Benchmarks.Streaming;

// nats and fanout are custom load programs rather than BenchmarkDotNet: they need external processes, many sockets
// and end-to-end timing across processes, which BenchmarkDotNet's per-invocation model does not fit. dispatch is a
// BenchmarkDotNet micro-benchmark.
const string Usage = "usage: Consumers.Benchmarks nats|dispatch|fanout|groupsend|stream|resume [--quick] [--out PATH] [fanout, resume: --pin [CORE]] [fanout: --loads TEXT] [fanout: --seconds N] [fanout: --rounds N] [fanout: --targets consumers,raw,...] [fanout: --no-idle] [fanout: --spread] [stream: --items N] [stream: --rounds N] [stream: --loads TEXT] [stream: --targets consumers,consumersbatch,signalr] [stream: --no-latency] | cluster [--quick] [--rounds N] [--loads TEXT] [--seconds N] [--targets consumers,signalr,raw] | fanout-server consumers|signalr|raw | cluster-server consumers|signalr|raw BROKER | stream-server consumers|signalr [PARALLEL]";

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

if (args[0] == "fanout-server")
{
    if (args.Length < 2 || !Enum.TryParse<FanoutTarget>(args[1], ignoreCase: true, out var target))
    {
        Console.Error.WriteLine(Usage);
        return 2;
    }

    return await FanoutServer.RunAsync(target, args[2..]);
}

if (args[0] == "cluster-server")
{
    if (args.Length < 3 || !Enum.TryParse<FanoutTarget>(args[1], ignoreCase: true, out var target) || target is not (FanoutTarget.Consumers or FanoutTarget.SignalR or FanoutTarget.Raw))
    {
        Console.Error.WriteLine(Usage);
        return 2;
    }

    return await Consumers.Benchmarks.Cluster.ClusterServer.RunAsync(target, args[2], args[3..]);
}

if (args[0] == "stream-server")
{
    return await StreamServer.RunAsync(args[1..]);
}

if (args[0] is not ("nats" or "dispatch" or "fanout" or "groupsend" or "stream" or "cluster" or "resume"))
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var name = args[0];
var quick = args.Contains("--quick");
var pin = args.Contains("--pin");
if (pin && name is not ("fanout" or "resume"))
{
    Console.Error.WriteLine("--pin applies to the fanout and resume benchmarks only.");
    return 2;
}

var outIndex = Array.IndexOf(args, "--out");
if (outIndex >= 0 && outIndex + 1 >= args.Length)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

// Quick runs only check that everything works: they must not overwrite the committed full results. Pinned fan-out
// results go to their own file, so that both modes can be kept side by side.
var output = outIndex >= 0
    ? Path.GetFullPath(args[outIndex + 1])
    : Path.Combine(RepositoryRoot.Find(), "bench", $"RESULTS-{name}{(pin ? "-pinned" : string.Empty)}{(quick ? "-quick" : string.Empty)}.md");
var command = Environment.GetEnvironmentVariable("CONSUMERS_BENCH_COMMAND")
    ?? "dotnet run -c Release --project bench/Consumers.Benchmarks -- " + string.Join(' ', args);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

string report;
var warn = false;
switch (name)
{
    case "dispatch":
        report = DispatchBenchmarkRun.Run(quick, await MachineDescription.CollectAsync(command));
        break;
    case "fanout":
    {
        // --pin [CORE] runs each server on one core (CORE, by default the last) and the load tool on the others (see
        // CorePinning: this process starts itself again under taskset first); --loads TEXT keeps the loads whose name
        // contains TEXT; --seconds N measures each run for N seconds (for profiling one load: the results then go to the
        // -quick file unless --out says otherwise); --rounds N; --targets A,B runs only those servers; --no-idle skips
        // the idle-connection runs; --spread spreads the paced senders evenly over the period instead of sending on one beat.
        var settings = quick ? FanoutSettings.Quick : FanoutSettings.Full;
        if (pin)
        {
            var (pinning, exit) = await PinnedAsync(args);
            if (pinning is null)
            {
                return exit;
            }

            settings = settings with { Pinning = pinning };
        }

        if (Narrowed(args, settings) is not { } chosen)
        {
            return 2;
        }

        settings = chosen;

        if (args.Contains("--spread"))
        {
            settings = settings with { Loads = [.. settings.Loads.Select(l => l.SpreadOut())] };
        }

        if (args.Contains("--no-idle"))
        {
            settings = settings with { Idle = false };
        }

        var (load, idle) = await FanoutBenchmark.RunAsync(settings, cancel.Token);
        var machine = await MachineDescription.CollectAsync(command);
        if (settings.Pinning is { } pinned)
        {
            // nproc counts the cores this process may use: the machine's are the ones the run was started with.
            machine = machine with { Processors = pinned.Cores.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        report = FanoutReport.Render(machine, settings, load, idle);
        warn = load.Any(r => r.Lost > 0 || r.TimedOut);
        break;
    }

    case "resume":
    {
        // --pin [CORE]: the server on one core and the load tool on the others, as the fan-out benchmark's --pin.
        CorePinning? pinning = null;
        if (pin)
        {
            (pinning, var exit) = await PinnedAsync(args);
            if (pinning is null)
            {
                return exit;
            }
        }

        (report, warn) = await Consumers.Benchmarks.Resume.ResumeBenchmark.RunAsync(quick, pinning, command, cancel.Token);
        break;
    }

    case "groupsend":
        report = GroupSendBenchmarkRun.Run(quick, await MachineDescription.CollectAsync(command));
        break;

    case "cluster":
    {
        // Two app nodes per server, the fan-out loads; --rounds N, --loads TEXT keeps the loads whose name contains TEXT.
        var settings = (quick ? FanoutSettings.Quick : FanoutSettings.Full) with { Idle = false };
        if (Narrowed(args, settings) is not { } chosenTargets)
        {
            return 2;
        }

        settings = chosenTargets;

        if (NatsServerProcess.FindBinary() is null)
        {
            Console.Error.WriteLine(NatsServerProcess.NotFoundMessage);
            return 1;
        }

        var results = await Consumers.Benchmarks.Cluster.ClusterBenchmark.RunAsync(settings, cancel.Token);
        report = Consumers.Benchmarks.Cluster.ClusterReport.Render(await MachineDescription.CollectAsync(command), settings, results);
        warn = results.Any(r => r.Run.Lost > 0 || r.Run.TimedOut);
        break;
    }

    case "stream":
    {
        // --items N per call, --rounds N, --loads TEXT keeps the loads whose name contains TEXT, --targets A,B runs only
        // those servers, --no-latency skips the concurrent-action latency runs.
        var settings = StreamSettings.FromArguments(args, out var error);
        if (settings is null)
        {
            Console.Error.WriteLine(error);
            return 2;
        }

        var (streams, latency) = await StreamBenchmark.RunAsync(settings, cancel.Token);
        report = StreamReport.Render(await MachineDescription.CollectAsync(command), settings, streams, latency);
        warn = streams.Any(r => r.Lost > 0 || r.OutOfOrder > 0 || r.Failed > 0) || latency.Any(r => r.Error is not null);
        break;
    }

    default:
    {
        if (NatsServerProcess.FindBinary() is null)
        {
            Console.Error.WriteLine(NatsServerProcess.NotFoundMessage);
            return 1;
        }

        var results = await NatsBenchmark.RunAsync(quick ? NatsBenchmarkSettings.Quick : NatsBenchmarkSettings.Full, command, cancel.Token);
        report = NatsReport.Render(results);
        warn = results.GroupSend.Any(t => t.TimedOut || t.Lost > 0) || results.PubSub.Any(r => r.Lost > 0);
        break;
    }
}

Console.WriteLine(report);
await File.WriteAllTextAsync(output, report);
Console.Error.WriteLine($"written to {output}");

// Losses and time-outs are results (reported in the tables), not failures of the program; say so loudly anyway.
if (warn)
{
    Console.Error.WriteLine("WARNING: some messages were lost or a run timed out; see the report.");
}

return 0;

// --pin [CORE]: in the first process, plans the cores and starts this program again under taskset (returns no pinning
// and the relaunched program's exit code); in the relaunched one, the pinning it runs under (or null and 1 when this
// process is not on the load tool's cores).
static async Task<(CorePinning? Pinning, int Exit)> PinnedAsync(string[] args)
{
    var pinning = CorePinning.Inherited();
    if (pinning is null)
    {
        var pinIndex = Array.IndexOf(args, "--pin");
        int? serverCore = pinIndex + 1 < args.Length && int.TryParse(args[pinIndex + 1], System.Globalization.CultureInfo.InvariantCulture, out var core) ? core : null;
        pinning = CorePinning.Plan(serverCore, out var error);
        if (pinning is null)
        {
            Console.Error.WriteLine(error);
            return (null, 1);
        }

        Console.Error.WriteLine($"--pin: {pinning.Describe()}; starting the load tool again on its cores");
        return (null, await pinning.RelaunchAsync(args));
    }

    if (!pinning.AppliesToThisProcess())
    {
        Console.Error.WriteLine($"--pin: the load tool should run on cores {string.Join(',', pinning.LoadCores)} only, but may run on {string.Join(',', CorePinning.AllowedCores())}.");
        return (null, 1);
    }

    return (pinning, 0);
}

// --loads TEXT and --rounds N (FanoutSettings.WithLoadsAndRounds), --seconds N (each measured run) and --targets A,B
// (only those servers), as the fan-out and cluster benchmarks take them; null (after saying why) for a bad one.
static FanoutSettings? Narrowed(string[] args, FanoutSettings settings)
{
    if (settings.WithLoadsAndRounds(args, out var narrowingError) is not { } narrowed)
    {
        Console.Error.WriteLine(narrowingError);
        return null;
    }

    settings = narrowed;
    var secondsIndex = Array.IndexOf(args, "--seconds");
    if (secondsIndex >= 0 && secondsIndex + 1 < args.Length && double.TryParse(args[secondsIndex + 1], System.Globalization.CultureInfo.InvariantCulture, out var seconds))
    {
        settings = settings with { SaturatedDuration = TimeSpan.FromSeconds(seconds), PacedDuration = TimeSpan.FromSeconds(seconds) };
    }

    var targetsIndex = Array.IndexOf(args, "--targets");
    if (targetsIndex >= 0 && targetsIndex + 1 < args.Length)
    {
        var names = args[targetsIndex + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var targets = new List<FanoutTarget>();
        foreach (var targetName in names)
        {
            if (!Enum.TryParse<FanoutTarget>(targetName, ignoreCase: true, out var target))
            {
                Console.Error.WriteLine($"--targets: '{targetName}' is none of: {string.Join(", ", Enum.GetNames<FanoutTarget>())}");
                return null;
            }

            targets.Add(target);
        }

        settings = settings with { Targets = targets };
    }

    return settings;
}
