using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Consumers.Benchmarks;

/// <summary>
/// The benchmark's own nats-server on loopback with a random port (<c>-p -1 --ports_file_dir</c>), stopped by its
/// PID, so a run never depends on (or disturbs) a server someone else started.
/// </summary>
internal sealed class NatsServerProcess : IAsyncDisposable
{
    public const string NotFoundMessage = "nats-server not found on PATH: install it with apt-get install -y nats-server";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log;

    private NatsServerProcess(Process process, string directory, StringBuilder log, int port)
    {
        _process = process;
        _directory = directory;
        _log = log;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>Server log lines reporting a slow consumer: the server dropped a client that could not keep up.</summary>
    public int SlowConsumerReports
    {
        get
        {
            lock (_log)
            {
                return _log.ToString().Split('\n').Count(line => line.Contains("Slow Consumer", StringComparison.OrdinalIgnoreCase));
            }
        }
    }

    public static string? FindBinary()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin"))
        {
            var candidate = Path.Combine(directory, "nats-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static async Task<NatsServerProcess> StartAsync()
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(NotFoundMessage);
        var directory = Directory.CreateTempSubdirectory("consumers-bench-nats-").FullName;
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // JetStream on, with a file store in the temporary directory: Consumers.Nats keeps its replay stream there.
        foreach (var arg in new[] { "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", directory, "-js", "-sd", Path.Combine(directory, "jetstream") })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("nats-server did not start.");
        var log = new StringBuilder();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var portsFile = Path.Combine(directory, $"nats-server_{process.Id}.ports");
        var started = Stopwatch.StartNew();
        while (started.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nats-server exited with {process.ExitCode} during start-up:\n{Snapshot(log)}");
            }

            if (File.Exists(portsFile) && TryReadPort(portsFile, out var port))
            {
                return new NatsServerProcess(process, directory, log, port);
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        process.Kill();
        throw new InvalidOperationException($"nats-server wrote no ports file within {StartTimeout.TotalSeconds:0} s.");
    }

    /// <summary>User + system CPU time nats-server has used so far, in seconds (<c>/proc/&lt;pid&gt;/stat</c>).</summary>
    public double CpuSeconds() => ProcStat.CpuSecondsOf(_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The first line of <c>nats-server --version</c>, e.g. <c>nats-server: v2.9.10</c>.</summary>
    public static async Task<string> GetVersionAsync()
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(NotFoundMessage);
        return await ShellCommand.RunAsync(binary, "--version").ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A temp directory: best effort.
            }
        }
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    private static bool TryReadPort(string path, out int port)
    {
        port = 0;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            port = new Uri(document.RootElement.GetProperty("nats")[0].GetString()!).Port;
            return true;
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Written but not complete yet: read it again on the next poll.
            return false;
        }
    }
}
