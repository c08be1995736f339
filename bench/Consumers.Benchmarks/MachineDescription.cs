using System.Globalization;
using System.Runtime.InteropServices;

namespace Consumers.Benchmarks;

/// <summary>What a result depends on besides the code: the machine, the runtimes and the command.</summary>
internal sealed record MachineDescription(string Uname, string Processors, string Cpu, string Date, string Dotnet, string NatsServer, string Command)
{
    public static async Task<MachineDescription> CollectAsync(string command) => new(
        await ShellCommand.RunAsync("uname", "-a").ConfigureAwait(false),
        await ShellCommand.RunAsync("nproc").ConfigureAwait(false),
        ReadCpuModel(),
        DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
        $"{RuntimeInformation.FrameworkDescription} (SDK {await ShellCommand.RunAsync("dotnet", "--version").ConfigureAwait(false)}), {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC",
        await NatsServerProcess.GetVersionAsync().ConfigureAwait(false),
        command);

    private static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
