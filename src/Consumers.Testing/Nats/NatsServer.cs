using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Consumers.Testing.Nats;

/// <summary>
/// A real nats-server as a child process on loopback with a random port (<c>-p -1 --ports_file_dir</c>), stopped by
/// its PID, its temporary folder deleted on dispose. A missing binary throws <see cref="InvalidOperationException"/>
/// with <see cref="NotFoundMessage"/> (a test that needs NATS must fail, never pass vacuously, without it).
/// </summary>
public sealed class NatsServer : IAsyncDisposable
{
    /// <summary>The message of the exception thrown when no <c>nats-server</c> is on <c>PATH</c>.</summary>
    public const string NotFoundMessage = "nats-server not found on PATH: install it with `apt-get install -y nats-server`";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log = new();

    private NatsServer(Process process, string directory, int port, int? monitoringPort)
    {
        _process = process;
        _directory = directory;
        Port = port;
        MonitoringPort = monitoringPort;
    }

    /// <summary>The client port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The HTTP monitoring port, when started with monitoring on.</summary>
    public int? MonitoringPort { get; }

    /// <summary>The client URL, <c>nats://127.0.0.1:{Port}</c> (the value of <c>Consumers:Nats:Url</c>).</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>The process id (e.g. for <c>nats-server --signal ldm=PID</c>).</summary>
    public int Pid => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What the server wrote to stdout and stderr so far.</summary>
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

    /// <summary>Starts a server and waits until it listens.</summary>
    /// <param name="config">Written to a file and passed with <c>-c</c> (e.g. <c>max_payload: 1024</c>); null for none.</param>
    /// <param name="port">The client port; null for a free one.</param>
    /// <param name="monitoring">Whether to open the HTTP monitoring port (<see cref="GetMonitoringAsync"/>).</param>
    /// <param name="extraArgs">More command-line arguments (cluster routes, <c>-js</c>).</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">nats-server is not on <c>PATH</c> (<see cref="NotFoundMessage"/>), exits during start-up, or writes no ports file within 10 s.</exception>
    public static Task<NatsServer> StartAsync(string? config = null, int? port = null, bool monitoring = false, params string[] extraArgs)
        => StartAsync(config, port, monitoring, _ => extraArgs);

    private static async Task<NatsServer> StartAsync(string? config, int? port, bool monitoring, Func<string, string[]> extraArgs)
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(NotFoundMessage);
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

        foreach (var arg in extraArgs(directory))
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

                throw new InvalidOperationException($"nats-server exited with {process.ExitCode} during start-up:\n{text}");
            }

            if (File.Exists(portsFile) && TryReadPorts(portsFile, out var natsPort, out var monitoringPort))
            {
                var server = new NatsServer(process, directory, natsPort, monitoringPort);
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
                throw new InvalidOperationException($"nats-server wrote no ports file within {StartTimeout}.");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts a server with JetStream on (<c>-js</c>) and its file store in <paramref name="storeDirectory"/>, so a
    /// server restarted with the same directory (and port) finds its streams again.
    /// </summary>
    /// <param name="storeDirectory">The file store's folder; null for one inside the server's temporary folder (deleted with it).</param>
    /// <param name="port">The client port; null for a free one.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">As <see cref="StartAsync(string?, int?, bool, string[])"/>.</exception>
    public static Task<NatsServer> StartJetStreamAsync(string? storeDirectory = null, int? port = null)
        => StartAsync(null, port, false, directory => ["-js", "-sd", storeDirectory ?? Path.Combine(directory, "jetstream")]);

    /// <summary>A currently free loopback port (for cluster route ports, which have no ports-file entry).</summary>
    /// <returns>The port number.</returns>
    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the process (SIGKILL) by its PID and waits for it to exit: clients see EOF, like a crash.</summary>
    /// <returns>A task that completes when the process has exited (at most 10 s).</returns>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>GETs a monitoring endpoint (<c>/varz</c>, <c>/routez</c>, <c>/subsz</c>) and returns its JSON text.</summary>
    /// <param name="path">The endpoint's path.</param>
    /// <returns>The response body.</returns>
    /// <exception cref="InvalidOperationException">The server was started without monitoring.</exception>
    public async Task<string> GetMonitoringAsync(string path)
    {
        if (MonitoringPort is null)
        {
            throw new InvalidOperationException("Started without monitoring.");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{MonitoringPort}{path}")).ConfigureAwait(false);
    }

    /// <summary>Kills the process and deletes its temporary folder.</summary>
    /// <returns>A task that completes when the process has exited.</returns>
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
