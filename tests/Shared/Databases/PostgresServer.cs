using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Consumers.Tests.Databases;

/// <summary>
/// A real PostgreSQL server for the tests: <c>initdb</c> into a temporary folder (as the <c>postgres</c> user when the
/// tests run as root, which initdb refuses), then <c>postgres</c> on a free loopback port under a watchdog shell in a
/// session of its own (outside the test process's tree, so that killing that tree cannot orphan the server): the
/// server is stopped by its PID when the test process exits, and by the watchdog when the test process is killed. One per test process (<see cref="SharedAsync"/>); tests take a fresh
/// database each (<see cref="CreateDatabaseAsync"/>). Durability is off (<c>fsync</c>, <c>synchronous_commit</c>):
/// the data is thrown away. Missing binaries fail the test with <see cref="NotFoundMessage"/>.
/// </summary>
internal sealed class PostgresServer
{
    public const string NotFoundMessage = "PostgreSQL (initdb, postgres) is not installed: install it with `apt-get install -y postgresql` (build/test.sh does)";

    private static readonly Lazy<Task<PostgresServer>> s_shared = new(StartAsync);

    // The watchdog says so when the server has exited (and then deletes the folder).
    private const string ExitedMarker = "POSTGRES EXITED";

    private readonly string _directory;
    private int _databases;
    private Process? _output;

    private PostgresServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The connection string of <paramref name="database"/> (user postgres, trust authentication, no pooling between tests' databases needed).</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    /// <summary>The test process's server, started on first use.</summary>
    public static Task<PostgresServer> SharedAsync() => s_shared.Value;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Environment.ProcessId}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing what still uses it.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The folder with initdb and postgres: on <paramref name="path"/> (default PATH), else the newest
    /// <c>{libRoot}/*/bin</c> (Debian's layout, /usr/lib/postgresql/15/bin); null when neither has them.
    /// </summary>
    internal static string? FindBinaries(string? path = null, string libRoot = "/usr/lib/postgresql")
    {
        foreach (var folder in (path ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "postgres")))
            {
                return folder;
            }
        }

        return Directory.Exists(libRoot)
            ? Directory.GetDirectories(libRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var version) ? version : 0)
                .FirstOrDefault()
            : null;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var binaries = FindBinaries() ?? throw new InvalidOperationException(NotFoundMessage);
        var directory = Directory.CreateTempSubdirectory("consumers-postgres-").FullName;
        var data = Path.Combine(directory, "data");
        var root = Environment.UserName == "root";
        if (root)
        {
            await RunAsync("chown", ["postgres:postgres", directory]);
        }

        await RunAsync(Path.Combine(binaries, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"], root);

        var port = FreePort();

        // Under a watchdog shell (setsid -f: its own session, its parent init) that stops the server (SIGINT: fast
        // shutdown) and deletes its folder once this test process is gone, however it ended.
        var postgres = Command(Path.Combine(binaries, "postgres"),
            ["-D", data, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", directory, "-h", "127.0.0.1",
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300"], root);
        var start = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-f", "bash", "-c", Watchdog, "postgres-watchdog", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), directory, postgres.FileName })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var arg in postgres.ArgumentList)
        {
            start.ArgumentList.Add(arg);
        }

        // setsid exits at once; the shell and the server keep writing to its pipes, drained here for the life of the
        // test process (the object is kept: disposing it would close them).
        var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PostgresServer(directory, port) { _output = process };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();

        var watch = Stopwatch.StartNew();
        while (true)
        {
            lock (log)
            {
                if (log.ToString().Contains(ExitedMarker, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"postgres exited during start-up:\n{log}");
                }
            }

            try
            {
                await using var connection = new NpgsqlConnection(server.ConnectionString("postgres") + ";Pooling=false");
                await connection.OpenAsync();
                return server;
            }
            catch (NpgsqlException) when (watch.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }
    }

    // Kills the postmaster by the PID it wrote (its backends end with it); the watchdog then deletes the folder.
    private void Stop()
    {
        try
        {
            var pidFile = Path.Combine(_directory, "data", "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), out var pid))
            {
                using var postmaster = Process.GetProcessById(pid);
                postmaster.Kill();
                postmaster.WaitForExit(5000);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or System.ComponentModel.Win32Exception)
        {
            // Best effort at exit: gone already, or the watchdog stops it.
        }
    }

    // $1 the test process, $2 the folder, then the server's command line.
    private const string Watchdog = """
        trap '' PIPE
        owner=$1; folder=$2; shift 2
        "$@" & server=$!
        while kill -0 "$owner" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 1; done
        kill -INT "$server" 2>/dev/null; wait "$server"; echo "POSTGRES EXITED"; rm -rf "$folder"
        """;

    // As root, through setpriv (it execs the program, so the PID is postgres's own and killing it stops the server).
    private static ProcessStartInfo Command(string program, string[] args, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "setpriv" : program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres)
        {
            foreach (var arg in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--", program })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    private static async Task RunAsync(string program, string[] args, bool asPostgres = false)
    {
        using var process = Process.Start(Command(program, args, asPostgres))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
