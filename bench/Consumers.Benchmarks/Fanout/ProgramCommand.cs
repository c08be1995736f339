using System.Diagnostics;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// Starts this program again (<c>Consumers.Benchmarks</c>, or <c>dotnet Consumers.Benchmarks.dll</c>) with other
/// arguments, optionally through <c>taskset -c &lt;cores&gt;</c> so that the new process runs on those cores from its
/// first instruction (its .NET runtime then counts only them in <see cref="Environment.ProcessorCount"/>).
/// </summary>
internal static class ProgramCommand
{
    /// <param name="cores">A <c>taskset -c</c> core list, or null to start the program directly.</param>
    /// <param name="args">The program's arguments.</param>
    public static ProcessStartInfo StartInfo(string? cores, IEnumerable<string> args)
    {
        // taskset execs the program in its own process: the process id stays the program's, for /proc.
        var start = new ProcessStartInfo(cores is null ? Environment.ProcessPath! : "taskset") { UseShellExecute = false };
        if (cores is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cores);
            start.ArgumentList.Add(Environment.ProcessPath!);
        }

        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ProgramCommand).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
