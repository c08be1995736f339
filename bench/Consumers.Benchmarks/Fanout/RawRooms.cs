using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// Server (c): the floor of a WebSocket broadcaster on Kestrel. Each received text message is forwarded as it is,
/// one frame per message, to every socket of the room; each socket has one writer fed by a bounded queue (a
/// WebSocket allows one send at a time), the same shape as Consumers' connection but without protocol or dispatch.
/// With a relay (the cluster benchmark's floor, <see cref="Cluster.RawRelay"/>) each received message also goes to the
/// relay once, and what the relay brings from other nodes is forwarded to this node's members (<see cref="Deliver"/>).
/// </summary>
internal sealed class RawRooms
{
    private const int QueueCapacity = 1024;

    private readonly Action<string, byte[]>? _relay;

    private readonly ConcurrentDictionary<string, Channel<byte[]>[]> _rooms = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public RawRooms()
    {
    }

    /// <param name="relay">Called once per received message with the room and the message, after the local members got it.</param>
    public RawRooms(Action<string, byte[]> relay) => _relay = relay;

    /// <summary>Queues <paramref name="message"/> to every member of <paramref name="room"/> on this node.</summary>
    public void Deliver(string room, byte[] message)
    {
        if (_rooms.TryGetValue(room, out var members))
        {
            foreach (var member in members)
            {
                member.Writer.TryWrite(message);
            }
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var room = (string)context.Request.RouteValues["room"]!;
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        Join(room, queue);
        var writer = WriteLoopAsync(socket, queue.Reader);
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), context.RequestAborted).ConfigureAwait(false);
                    count += result.Count;
                }
                while (!result.EndOfMessage && count < buffer.Length);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                // Serialized once (one copy), shared by every member's queue.
                var message = buffer.AsSpan(0, count).ToArray();
                Deliver(room, message);
                _relay?.Invoke(room, message);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away.
        }
        finally
        {
            Leave(room, queue);
            queue.Writer.TryComplete();
            await writer.ConfigureAwait(false);
        }
    }

    private static async Task WriteLoopAsync(WebSocket socket, ChannelReader<byte[]> reader)
    {
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    private void Join(string room, Channel<byte[]> queue)
    {
        lock (_lock)
        {
            _rooms[room] = _rooms.TryGetValue(room, out var members) ? [.. members, queue] : [queue];
        }
    }

    private void Leave(string room, Channel<byte[]> queue)
    {
        lock (_lock)
        {
            _rooms[room] = [.. _rooms[room].Where(m => m != queue)];
        }
    }
}
