using System.Diagnostics;
using System.Globalization;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// <c>fanout --pin [CORE]</c>: every server process runs on one core (the last one this process may use, or CORE) and the
/// load tool on the others, so that on a small machine the load tool's own cost per frame does not compete with the
/// server for a core. Both are pinned from their first instruction, through <c>taskset -c</c> (util-linux): the server
/// is started through it, and the load tool starts itself again through it before it does anything else
/// (<see cref="RelaunchAsync"/>). A .NET runtime counts the cores it may use when it starts, so each then sees only its
/// own (<see cref="Environment.ProcessorCount"/> = 1 for the server, as in a deployment pinned to one core), which
/// changing the affinity of a running process would not give. The plan travels to the started load tool in an
/// environment variable.
/// </summary>
/// <param name="ServerCore">The core every server process runs on.</param>
/// <param name="LoadCores">The cores the load tool runs on: the others.</param>
/// <param name="Cores">Every core the benchmark was started with (its affinity before pinning).</param>
internal sealed record CorePinning(int ServerCore, IReadOnlyList<int> LoadCores, IReadOnlyList<int> Cores)
{
    private const string EnvironmentVariable = "CONSUMERS_BENCH_PINNING";

    /// <summary>Says what runs where, for the report and the console.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"pinned: each server process on core {ServerCore} (started through `taskset -c {ServerCore}`), the load tool on core{(LoadCores.Count > 1 ? "s" : string.Empty)} {FormatList(LoadCores)} (`taskset -c {FormatList(LoadCores)}`), of cores {FormatList(Cores)}");

    /// <summary>The plan the load tool was started again with (by <see cref="RelaunchAsync"/>), or null in the first process.</summary>
    public static CorePinning? Inherited()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var parts = value.Split(';');
        return new CorePinning(int.Parse(parts[0], CultureInfo.InvariantCulture), ParseList(parts[1]), ParseList(parts[2]));
    }

    /// <summary>
    /// Plans the pinning over the cores this process may use: the server on <paramref name="serverCore"/> (by default
    /// the last of them), the load tool on the others. Null, with the reason in <paramref name="error"/>, when there are
    /// fewer than two cores, the server core is not one of them, or taskset is missing.
    /// </summary>
    public static CorePinning? Plan(int? serverCore, out string error)
    {
        if (FindTaskset() is null)
        {
            error = "--pin: taskset (util-linux) is not on PATH; it starts the server and the load tool on their cores. Install util-linux (apt-get install -y util-linux) or run without --pin.";
            return null;
        }

        var cores = AllowedCores();
        if (cores.Count < 2)
        {
            error = $"--pin needs at least 2 cores (the server on one, the load tool on the others); this process may run on {cores.Count} (cores {FormatList(cores)}). Run without --pin.";
            return null;
        }

        var server = serverCore ?? cores[^1];
        if (!cores.Contains(server))
        {
            error = $"--pin {server}: core {server} is not one this process may run on (cores {FormatList(cores)}).";
            return null;
        }

        error = string.Empty;
        return new CorePinning(server, [.. cores.Where(c => c != server)], cores);
    }

    /// <summary>Whether this process may run on the load tool's cores and no others.</summary>
    public bool AppliesToThisProcess() => AllowedCores().SequenceEqual(LoadCores);

    /// <summary>
    /// Runs this program again with the same arguments through <c>taskset -c &lt;load cores&gt;</c>, with the plan in its
    /// environment, sharing this process's standard streams; returns its exit code. (Ctrl+C reaches both: the started
    /// program stops its run, this one waits for it.)
    /// </summary>
    public async Task<int> RelaunchAsync(IEnumerable<string> args)
    {
        var start = ProgramCommand.StartInfo(FormatList(LoadCores), args);
        start.Environment[EnvironmentVariable] = string.Create(CultureInfo.InvariantCulture, $"{ServerCore};{FormatList(LoadCores)};{FormatList(Cores)}");
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>The cores this process may run on (<c>Cpus_allowed_list</c> of <c>/proc/self/status</c>), in order.</summary>
    public static List<int> AllowedCores()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
        return ParseList(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
    }

    /// <summary>taskset's full path, or null when it is not on PATH.</summary>
    public static string? FindTaskset() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "taskset"))
            .FirstOrDefault(File.Exists);

    /// <summary>Parses a Linux CPU list (<c>0-2,4</c>) into its cores, in order.</summary>
    private static List<int> ParseList(string list)
    {
        var cores = new SortedSet<int>();
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = int.Parse(dash < 0 ? part : part[..dash], CultureInfo.InvariantCulture);
            var last = dash < 0 ? first : int.Parse(part[(dash + 1)..], CultureInfo.InvariantCulture);
            for (var core = first; core <= last; core++)
            {
                cores.Add(core);
            }
        }

        return [.. cores];
    }

    private static string FormatList(IEnumerable<int> cores) => string.Join(',', cores);
}
