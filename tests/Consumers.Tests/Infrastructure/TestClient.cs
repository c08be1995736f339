using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Consumers.Tests.Infrastructure;

/// <summary>A <see cref="ClientWebSocket"/> that sends and receives JSON frames with time limits.</summary>
public sealed class TestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private TestClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static TestClient Wrap(ClientWebSocket socket) => new(socket);

    public static async Task<TestClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new TestClient(socket);
    }

    public Task SendAsync(string json) => SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text);

    public async Task SendAsync(byte[] bytes, WebSocketMessageType type, bool endOfMessage = true)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await Socket.SendAsync(bytes, type, endOfMessage, timeout.Token);
    }

    /// <summary>Receives one text message and parses it; fails when none arrives in time or the socket closes.</summary>
    public async Task<JsonObject> ReceiveAsync(TimeSpan? within = null)
    {
        var text = await ReceiveTextAsync(within);
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<string> ReceiveTextAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? DefaultTimeout);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The server closed the socket ({result.CloseStatus} {result.CloseStatusDescription}) instead of replying.");
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    /// <summary>Sends a request and returns the next frame.</summary>
    public async Task<JsonObject> RequestAsync(string json)
    {
        await SendAsync(json);
        return await ReceiveAsync();
    }

    /// <summary>Sends a request and returns the next frame's text.</summary>
    public async Task<string> SendAndReceiveTextAsync(string json)
    {
        await SendAsync(json);
        return await ReceiveTextAsync();
    }

    /// <summary>Reads until the server's close frame and returns its status.</summary>
    public async Task<WebSocketCloseStatus?> ReceiveCloseAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? DefaultTimeout);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return result.CloseStatus;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The server may already have closed it.
        }

        Socket.Dispose();
    }
}
