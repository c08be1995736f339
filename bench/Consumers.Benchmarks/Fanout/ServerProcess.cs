using System.Diagnostics;
using System.Globalization;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// One fan-out server in its own process (this program with <c>fanout-server &lt;target&gt;</c>), so that its CPU time
/// (utime + stime from <c>/proc/&lt;pid&gt;/stat</c>) and memory (VmRSS, VmHWM) are its own; with <c>--pin</c>, started
/// through <c>taskset -c &lt;core&gt;</c> (see <see cref="CorePinning"/>). Its managed memory comes from the server itself,
/// over HTTP (<see cref="MemoryAsync"/>).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private HttpClient? _http;

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The number of cores the server's .NET runtime counted when it started (its <see cref="Environment.ProcessorCount"/>).</summary>
    public int Processors { get; private init; }

    /// <summary>
    /// Starts the server of <paramref name="target"/> and waits until it listens; with <paramref name="pinning"/>, through
    /// <c>taskset -c &lt;server core&gt;</c>, and fails unless its runtime then saw one core.
    /// </summary>
    public static Task<ServerProcess> StartAsync(FanoutTarget target, CorePinning? pinning, CancellationToken cancellationToken) =>
        // Consumers (batch) and (resume) are the same server; only their clients differ (they offer the consumers.batch or
        // consumers.resume subprotocol).
        StartAsync(
            target.ToString(),
            ["fanout-server", (target is FanoutTarget.ConsumersBatch or FanoutTarget.ConsumersResume or FanoutTarget.ConsumersResumeSparseAcks ? FanoutTarget.Consumers : target).ToString().ToLowerInvariant()],
            pinning,
            cancellationToken);

    /// <summary>
    /// Starts this program with <paramref name="arguments"/> (a server command that ends in <see cref="FanoutServer.ServeAsync"/>)
    /// and waits until it listens; with <paramref name="pinning"/>, through <c>taskset -c &lt;server core&gt;</c>, and fails
    /// unless its runtime then saw one core.
    /// </summary>
    /// <param name="name">What the load tool's output calls the server.</param>
    /// <param name="arguments">The program's arguments, e.g. <c>fanout-server signalr</c>.</param>
    /// <param name="pinning">Where the server runs, or null for anywhere.</param>
    /// <param name="cancellationToken">Cancels waiting (at most 30 s) for it to listen.</param>
    /// <exception cref="InvalidOperationException">The server exited before listening, or saw more than one core when pinned.</exception>
    public static async Task<ServerProcess> StartAsync(string name, IEnumerable<string> arguments, CorePinning? pinning, CancellationToken cancellationToken)
    {
        var start = ProgramCommand.StartInfo(pinning?.ServerCore.ToString(CultureInfo.InvariantCulture), arguments);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            if (line is null)
            {
                throw new InvalidOperationException($"The {name} server exited before listening.");
            }

            if (line.StartsWith(FanoutServer.ReadyPrefix, StringComparison.Ordinal))
            {
                // "LISTENING <port> <processor count>"
                var fields = line[FanoutServer.ReadyPrefix.Length..].Split(' ');
                var server = new ServerProcess(process, int.Parse(fields[0], CultureInfo.InvariantCulture))
                {
                    Processors = int.Parse(fields[1], CultureInfo.InvariantCulture),
                };
                _ = ForwardOutputAsync(process, name);
                if (pinning is not null && server.Processors != 1)
                {
                    await server.DisposeAsync().ConfigureAwait(false);
                    throw new InvalidOperationException($"The {name} server, started through taskset -c {pinning.ServerCore}, counted {server.Processors} cores instead of 1.");
                }

                return server;
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

    /// <summary>
    /// The server's managed memory from its <c>/bench/memory</c> endpoint: with <paramref name="collect"/>, after the full
    /// blocking collections it forces; without, a warm-up of the same request. The requests share one kept-alive HTTP connection.
    /// </summary>
    public async Task<ManagedMemory> MemoryAsync(bool collect, CancellationToken cancellationToken)
    {
        _http ??= new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var text = await _http.GetStringAsync(
            new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}{ManagedMemory.Path}{(collect ? string.Empty : "?collect=false")}")),
            cancellationToken).ConfigureAwait(false);
        return ManagedMemory.Parse(text);
    }

    /// <summary>The server's allocations and collections so far, from its <c>/bench/allocations</c> endpoint (on the same HTTP connection as <see cref="MemoryAsync"/>).</summary>
    public async Task<Allocations> AllocationsAsync(CancellationToken cancellationToken)
    {
        _http ??= new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var text = await _http.GetStringAsync(
            new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}{Allocations.Path}")), cancellationToken).ConfigureAwait(false);
        return Allocations.Parse(text);
    }

    private static async Task ForwardOutputAsync(Process process, string name)
    {
        // The servers log warnings and errors only (a full send queue, a failed write): they explain a bad figure.
        while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            await Console.Error.WriteLineAsync($"[{name} server] {line}").ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
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
