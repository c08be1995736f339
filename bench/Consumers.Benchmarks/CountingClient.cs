using System.Net.WebSockets;

namespace Consumers.Benchmarks;

/// <summary>A WebSocket client that only counts the complete frames it receives, reporting each to a <see cref="DeliveryTracker"/>.</summary>
internal sealed class CountingClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;

    private CountingClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>Why the receive loop ended early (the server closed the socket, e.g. 1008 for a full send queue), or null.</summary>
    public string? Failure { get; private set; }

    public static async Task<CountingClient> ConnectAsync(Uri uri, DeliveryTracker tracker, int index, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
        var client = new CountingClient(socket);
        client._receiving = Task.Run(() => client.ReceiveAsync(tracker, index));
        return client;
    }

    private async Task ReceiveAsync(DeliveryTracker tracker, int index)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Failure = $"closed by the server: {_socket.CloseStatus} {_socket.CloseStatusDescription}";
                    return;
                }

                if (result.EndOfMessage)
                {
                    tracker.OnFrame(index);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed: the benchmark is done with this client.
        }
        catch (WebSocketException ex)
        {
            Failure = ex.Message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open && Failure is null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The server went first; nothing left to close politely.
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _receiving.ConfigureAwait(false);
        _socket.Dispose();
        _stop.Dispose();
    }
}
