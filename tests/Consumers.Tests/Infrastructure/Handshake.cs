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
}
