using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Consumers.Benchmarks.Cluster;

/// <summary>
/// A redis-server for SignalR's Redis backplane: a child process on a free loopback port, no persistence (<c>--save ""
/// --appendonly no</c>: the backplane is pub/sub only), stopped by its PID. Missing, it fails with <see cref="NotFoundMessage"/>.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    public const string NotFoundMessage = "redis-server not found on PATH: install it with apt-get install -y redis-server (build/bench.sh cluster does)";

    private readonly Process _process;

    private RedisServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis's configuration string.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public int Pid => _process.Id;

    public static async Task<RedisServerProcess> StartAsync(CancellationToken cancellationToken)
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(NotFoundMessage);
        using var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                lock (log)
                {
                    throw new InvalidOperationException($"redis-server exited with {process.ExitCode} during start-up:\n{log}");
                }
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
                return new RedisServerProcess(process, port);
            }
            catch (SocketException) when (watch.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public double CpuSeconds() => ProcStat.CpuSecondsOf(_process.Id.ToString(CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }
}
