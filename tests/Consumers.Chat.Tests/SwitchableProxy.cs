using System.Net;
using System.Net.Sockets;

namespace Consumers.Chat.Tests;

/// <summary>
/// A TCP forwarder on a loopback port, standing for a load balancer in front of chat nodes: each connection it accepts
/// goes to the node it points at when the connection comes in (<see cref="SwitchTo"/> changes that for later ones); when
/// either side closes or fails, both do. A connection that finds its node gone is closed at once.
/// </summary>
internal sealed class SwitchableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _targetPort;

    private SwitchableProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Forwards to the node listening on 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public static SwitchableProxy Start(int targetPort) => new(targetPort);

    /// <summary>Connections that come in from now on go to 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public void SwitchTo(int targetPort) => Volatile.Write(ref _targetPort, targetPort);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ForwardAsync(client, Volatile.Read(ref _targetPort));
        }
    }

    private async Task ForwardAsync(TcpClient client, int targetPort)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, targetPort, _stop.Token);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = PumpAsync(client.GetStream(), server.GetStream(), done);
                var down = PumpAsync(server.GetStream(), client.GetStream(), done);
                await Task.WhenAny(up, down);
                await done.CancelAsync();
                await Task.WhenAll(up, down);
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                // The node is gone, or the proxy stops: the client's connection closes with it.
            }
        }
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, CancellationTokenSource done)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, done.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), done.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // One side closed or failed.
        }
    }
}
