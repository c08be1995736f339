using System.Globalization;

namespace Consumers.Benchmarks;

/// <summary>
/// CPU figures from <c>/proc</c> (proc(5)): a process's user + system time and the host's steal time, in seconds, at the
/// kernel's clock-tick resolution (<c>getconf CLK_TCK</c>, usually 100 Hz).
/// </summary>
internal static class ProcStat
{
    private static readonly Lazy<long> ClockTicksPerSecond = new(ReadClockTicks);

    private static readonly Lazy<int> OnlineCoreCount = new(() =>
        File.ReadLines("/proc/stat").Count(l => l.Length > 3 && l.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(l[3])));

    /// <summary>
    /// The machine's online cores (the <c>cpuN</c> lines of <c>/proc/stat</c>), over which <see cref="HostStealSeconds"/>
    /// is summed; unlike <see cref="Environment.ProcessorCount"/>, the same in a process pinned to fewer cores.
    /// </summary>
    public static int OnlineCores => OnlineCoreCount.Value;

    /// <summary>One clock tick, in seconds: the resolution of every figure here.</summary>
    public static double ClockTickSeconds => 1.0 / ClockTicksPerSecond.Value;

    /// <summary>User + system CPU time of a process (<c>self</c> for this one) so far, in seconds.</summary>
    public static double CpuSecondsOf(string pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // Fields 14 (utime) and 15 (stime) of proc(5), counted from the state field, which is field 3.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (double)ticks / ClockTicksPerSecond.Value;
    }

    /// <summary>
    /// CPU time the hypervisor took from this machine so far (the <c>steal</c> column of the <c>cpu</c> line of
    /// <c>/proc/stat</c>, all cores), in seconds; 0 where the kernel does not report it.
    /// </summary>
    public static double HostStealSeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // "cpu user nice system idle iowait irq softirq steal ...": steal is the eighth value.
        return fields.Length > 8 ? (double)long.Parse(fields[8], CultureInfo.InvariantCulture) / ClockTicksPerSecond.Value : 0;
    }

    /// <summary>
    /// Waits until a process (<c>self</c> for this one) idles: two 300-ms windows in a row in which it used at most one
    /// clock tick of CPU (10 ms on the usual 100 Hz clock, 3% of a core), or until <paramref name="timeout"/>; by then
    /// the JIT has finished the background compilations that the work before it started. Returns the seconds waited.
    /// </summary>
    public static async Task<double> WaitUntilQuietAsync(string pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var quiet = 0;
        var before = CpuSecondsOf(pid);
        while (quiet < 2 && System.Diagnostics.Stopwatch.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(300, cancellationToken).ConfigureAwait(false);
            var now = CpuSecondsOf(pid);
            quiet = now - before <= ClockTickSeconds * 1.5 ? quiet + 1 : 0;
            before = now;
        }

        return System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static long ReadClockTicks()
    {
        var output = ShellCommand.RunAsync("getconf", "CLK_TCK").GetAwaiter().GetResult();
        return long.TryParse(output, CultureInfo.InvariantCulture, out var ticks) && ticks > 0 ? ticks : 100;
    }
}
