using System.Net;
using System.Net.WebSockets;

namespace Consumers.Tests.Infrastructure;

/// <summary>Opens a socket and reports the handshake's HTTP status: 101 when accepted, else the refusal.</summary>
public static class Handshake
{
    public static async Task<(HttpStatusCode Status, ClientWebSocket? Socket)> TryConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(TestClient.DefaultTimeout);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
            return (socket.HttpStatusCode, socket);
        }
        catch (WebSocketException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return (status, null);
        }
    }

    public static async Task<HttpStatusCode> StatusAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var (status, socket) = await TryConnectAsync(uri, configure);
        if (socket is not null)
        {
            await using var client = TestClient.Wrap(socket);
        }

        return status;
    }

    /// <summary>
    /// Sends an upgrade request by hand over a TCP socket, with a <c>Host</c> header of the caller's choosing (as a
    /// DNS-rebinding page's browser sends it), and returns the status code of the answer.
    /// </summary>
    public static async Task<int> RawStatusAsync(Uri baseUri, string path, string host, string? origin)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        using var timeout = new CancellationTokenSource(TestClient.DefaultTimeout);
        await tcp.ConnectAsync(baseUri.Host, baseUri.Port, timeout.Token);
        var stream = tcp.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
            (origin is null ? "" : $"Origin: {origin}\r\n") + "\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request), timeout.Token);
        var buffer = new byte[1024];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var statusLine = System.Text.Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
