using Consumers.Testing.Communication;
using Consumers.Testing.Nats;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Consumers.Chat.Tests;

/// <summary>
/// The chat sample as its own process (its Release build, run with <c>dotnet Chat.dll</c>) on a loopback port, with
/// its database in a test folder; stopped by its process id. Restartable on the same port with the same database.
/// </summary>
internal sealed class ChatApp : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private ChatApp(int port, Dictionary<string, string> environment)
    {
        Port = port;
        _environment = environment;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>An HTTP client of the app (its base address is <see cref="Url"/>).</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = new Uri(Url) };

    /// <summary>A real socket to <paramref name="path"/> of the app.</summary>
    public Task<ConsumerCommunicator> ConnectAsync(string path) => ConsumerCommunicator.ConnectAsync(new Uri($"ws://127.0.0.1:{Port}{path}"));

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

    /// <summary>
    /// Starts a node. <paramref name="database"/> is the SQLite file; <paramref name="natsUrl"/> switches to the NATS
    /// group layer; <paramref name="settings"/> are more configuration values (environment variable names, <c>__</c> for <c>:</c>).
    /// </summary>
    public static Task<ChatApp> StartAsync(string database, string? natsUrl = null, IReadOnlyDictionary<string, string>? settings = null)
        => StartOnAsync($"Data Source={database}", natsUrl, settings);

    /// <summary>Starts a node on <paramref name="connectionString"/> (SQLite's or PostgreSQL's); otherwise as <see cref="StartAsync(string, string?, IReadOnlyDictionary{string, string}?)"/>.</summary>
    public static async Task<ChatApp> StartOnAsync(string connectionString, string? natsUrl = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Chat"] = connectionString,
            ["Consumers__GroupLayer"] = natsUrl is null ? "InMemory" : "Nats",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (natsUrl is not null)
        {
            environment["Consumers__Nats__Url"] = natsUrl;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var app = new ChatApp(NatsServer.GetFreePort(), environment);
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// Starts two nodes at once, as <c>build/run-chat.sh --nats</c> does; when either fails to start, the other is stopped
    /// and the failure thrown.
    /// </summary>
    public static async Task<(ChatApp A, ChatApp B)> StartTogetherAsync(Func<Task<ChatApp>> start)
    {
        var starting = new[] { start(), start() };
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var node in starting.Where(s => s.IsCompletedSuccessfully))
            {
                await node.Result.DisposeAsync();
            }

            throw;
        }

        return (starting[0].Result, starting[1].Result);
    }

    public async Task StartAsync()
    {
        var root = RepositoryRoot();
        var assembly = Path.Combine(root, "samples", "Chat", "bin", Configuration, "net10.0", "Chat.dll");
        if (!File.Exists(assembly))
        {
            Assert.Fail($"The chat sample is not built ({assembly}): run build/test.sh, which builds the solution first.");
        }

        var start = new ProcessStartInfo("dotnet", $"\"{assembly}\" --urls {Url}")
        {
            // The content root (wwwroot, appsettings.json) is the sample's folder.
            WorkingDirectory = Path.Combine(root, "samples", "Chat"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The chat app exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                if ((await http.GetAsync(Url + "/")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail($"The chat app did not answer on {Url} within 60 seconds:\n{Log}");
    }

    /// <summary>Kills the process (its sockets drop without a close frame) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private static string Configuration => typeof(ChatApp).Assembly.Location.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Consumers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Consumers.sln not found above " + AppContext.BaseDirectory);
    }
}
