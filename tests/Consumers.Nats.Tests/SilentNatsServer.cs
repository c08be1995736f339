using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Consumers.Nats.Tests;

/// <summary>
/// A scripted fake server for behaviour a real nats-server will not show on demand: it completes the handshake,
/// optionally sends raw bytes, then never answers a PING (a half-dead peer).
/// </summary>
internal sealed class SilentNatsServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _cts = new();
    private readonly byte[]? _afterHandshake;
    private readonly List<Socket> _sockets = new();
    private Task _acceptLoop = Task.CompletedTask;
    private int _pings;
    private int _connections;

    private SilentNatsServer(byte[]? afterHandshake)
    {
        _afterHandshake = afterHandshake;
        _listener = new TcpListener(IPAddress.Loopback, 0);
    }

    public string Url => $"nats://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>PINGs received after the handshake PING.</summary>
    public int PingsReceived => Volatile.Read(ref _pings);

    public int Connections => Volatile.Read(ref _connections);

    public static Task<SilentNatsServer> StartAsync(byte[]? afterHandshake = null)
    {
        var server = new SilentNatsServer(afterHandshake);
        server._listener.Start();
        server._acceptLoop = server.AcceptLoopAsync();
        return Task.FromResult(server);
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }

        _cts.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_cts.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_cts.Token);
            lock (_sockets)
            {
                _sockets.Add(socket);
            }

            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await socket.SendAsync("INFO {\"server_id\":\"FAKE\",\"version\":\"0.0.0\",\"proto\":1,\"headers\":true,\"max_payload\":1048576}\r\n"u8.ToArray(), _cts.Token);
            var buffer = new byte[4096];
            var text = new StringBuilder();
            var handshakeDone = false;
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, _cts.Token);
                if (read == 0)
                {
                    return;
                }

                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
                string all = text.ToString();
                int newline;
                while ((newline = all.IndexOf("\r\n", StringComparison.Ordinal)) >= 0)
                {
                    var line = all[..newline];
                    all = all[(newline + 2)..];
                    if (line != "PING")
                    {
                        continue;
                    }

                    if (!handshakeDone)
                    {
                        handshakeDone = true;
                        await socket.SendAsync("PONG\r\n"u8.ToArray(), _cts.Token);
                        if (_afterHandshake is not null)
                        {
                            await socket.SendAsync(_afterHandshake, _cts.Token);
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref _pings);
                    }
                }

                text.Clear().Append(all);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Client went away or the fake is stopping.
        }
    }
}
