using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Consumers.Nats.Tests;

/// <summary>
/// A nats-server child process on loopback with a random port (<c>-p -1 --ports_file_dir</c>), stopped by PID.
/// A missing binary fails the test: these tests are the client's specification and must never pass vacuously.
/// </summary>
internal sealed class NatsServerProcess : IAsyncDisposable
{
    public const string NotFoundMessage = "nats-server not found: install it with `apt-get install -y nats-server`";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log = new();

    private NatsServerProcess(Process process, string directory, int port, int? monitoringPort)
    {
        _process = process;
        _directory = directory;
        Port = port;
        MonitoringPort = monitoringPort;
    }

    public int Port { get; }

    public int? MonitoringPort { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts a server. <paramref name="config"/> is written to a file and passed with -c (e.g. max_payload).</summary>
    public static async Task<NatsServerProcess> StartAsync(string? config = null, int? port = null, bool monitoring = false, params string[] extraArgs)
    {
        var binary = FindBinary() ?? throw new AssertionException(NotFoundMessage);
        var directory = Directory.CreateTempSubdirectory("nats-test-").FullName;
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-a", "127.0.0.1", "-p", (port ?? -1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--ports_file_dir", directory })
        {
            start.ArgumentList.Add(arg);
        }

        if (monitoring)
        {
            start.ArgumentList.Add("-m");
            start.ArgumentList.Add("-1");
        }

        if (config is not null)
        {
            var path = Path.Combine(directory, "server.conf");
            await File.WriteAllTextAsync(path, config).ConfigureAwait(false);
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(path);
        }

        foreach (var arg in extraArgs)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new AssertionException("nats-server did not start.");
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
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync().ConfigureAwait(false);
                string text;
                lock (log)
                {
                    text = log.ToString();
                }

                throw new AssertionException($"nats-server exited with {process.ExitCode} during start-up:\n{text}");
            }

            if (File.Exists(portsFile) && TryReadPorts(portsFile, out var natsPort, out var monitoringPort))
            {
                var server = new NatsServerProcess(process, directory, natsPort, monitoringPort);
                lock (log)
                {
                    server._log.Append(log);
                }

                process.OutputDataReceived += server.OnOutput;
                process.ErrorDataReceived += server.OnOutput;
                return server;
            }

            if (deadline.Elapsed > StartTimeout)
            {
                process.Kill();
                throw new AssertionException($"nats-server wrote no ports file within {StartTimeout}.");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts a server with JetStream on (<c>-js</c>) and its file store in <paramref name="storeDirectory"/>, so a
    /// server restarted with the same directory (and port) finds its streams again.
    /// </summary>
    public static Task<NatsServerProcess> StartJetStreamAsync(string storeDirectory, int? port = null)
        => StartAsync(null, port, false, "-js", "-sd", storeDirectory);

    /// <summary>A currently free loopback port (for cluster route ports, which have no ports-file entry).</summary>
    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the process (SIGKILL) by its PID and waits for it to exit: clients see EOF, like a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
    }

    public async Task<string> GetMonitoringAsync(string path)
    {
        if (MonitoringPort is null)
        {
            throw new InvalidOperationException("Started without monitoring.");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{MonitoringPort}{path}")).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync().ConfigureAwait(false);
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
                // Best effort: a temp directory.
            }
        }
    }

    private void OnOutput(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is not null)
        {
            lock (_log)
            {
                _log.AppendLine(e.Data);
            }
        }
    }

    private static bool TryReadPorts(string path, out int natsPort, out int? monitoringPort)
    {
        natsPort = 0;
        monitoringPort = null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var nats = document.RootElement.GetProperty("nats")[0].GetString()!;
            natsPort = new Uri(nats).Port;
            if (document.RootElement.TryGetProperty("monitoring", out var monitoring) && monitoring.GetArrayLength() > 0)
            {
                monitoringPort = new Uri(monitoring[0].GetString()!).Port;
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Written but not complete yet: try again.
            return false;
        }
    }

    private static string? FindBinary()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "nats-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
