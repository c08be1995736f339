using System.Diagnostics;
using System.Globalization;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// One fan-out server in its own process (this program with <c>fanout-server &lt;target&gt;</c>), so that its CPU time
/// (utime + stime from <c>/proc/&lt;pid&gt;/stat</c>) and memory (VmRSS, VmHWM) are its own.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<ServerProcess> StartAsync(FanoutTarget target, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        start.ArgumentList.Add("fanout-server");
        // Consumers (batch) is the same server; only its clients differ (they offer the consumers.batch subprotocol).
        start.ArgumentList.Add((target == FanoutTarget.ConsumersBatch ? FanoutTarget.Consumers : target).ToString().ToLowerInvariant());
        var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            if (line is null)
            {
                throw new InvalidOperationException($"The {target} server exited before listening.");
            }

            if (line.StartsWith(FanoutServer.ReadyPrefix, StringComparison.Ordinal))
            {
                var port = int.Parse(line.AsSpan(FanoutServer.ReadyPrefix.Length), CultureInfo.InvariantCulture);
                _ = ForwardOutputAsync(process, target);
                return new ServerProcess(process, port);
            }
        }
    }

    /// <summary>User + system CPU time the process has used so far, in seconds (clock-tick resolution, usually 10 ms).</summary>
    public double CpuSeconds() => ProcStat.CpuSecondsOf(_process.Id.ToString(CultureInfo.InvariantCulture));

    /// <summary>Waits until the process idles (see <see cref="ProcStat.WaitUntilQuietAsync"/>); returns the seconds waited.</summary>
    public Task<double> WaitUntilQuietAsync(TimeSpan timeout, CancellationToken cancellationToken)
        => ProcStat.WaitUntilQuietAsync(_process.Id.ToString(CultureInfo.InvariantCulture), timeout, cancellationToken);

    /// <summary>
    /// Context switches (voluntary + involuntary) of each of the process's threads so far, by thread id, from
    /// <c>/proc/&lt;pid&gt;/task/&lt;tid&gt;/status</c>; a thread that exits takes its count with it.
    /// </summary>
    public Dictionary<int, long> ContextSwitchesByThread()
    {
        var counts = new Dictionary<int, long>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
        {
            try
            {
                long switches = 0;
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        switches += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                    }
                }

                counts[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = switches;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The thread exited between listing and reading.
            }
        }

        return counts;
    }

    /// <summary>Context switches the process's threads made since <paramref name="before"/> (threads that exited since are not counted).</summary>
    public long ContextSwitchesSince(Dictionary<int, long> before) =>
        ContextSwitchesByThread().Sum(t => t.Value - before.GetValueOrDefault(t.Key));

    /// <summary>A <c>/proc/&lt;pid&gt;/status</c> memory figure (VmRSS, VmHWM) in KiB.</summary>
    public long StatusKiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static async Task ForwardOutputAsync(Process process, FanoutTarget target)
    {
        // The servers log warnings and errors only (a full send queue, a failed write): they explain a bad figure.
        while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            await Console.Error.WriteLineAsync($"[{target} server] {line}").ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }
}
