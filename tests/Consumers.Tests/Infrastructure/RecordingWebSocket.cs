using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

namespace Consumers.Tests.Infrastructure;

/// <summary>
/// A <see cref="ClientWebSocket"/> that keeps the text of every frame sent through it, for tests that check what a
/// client puts on the wire (given to a generated client through <c>ConsumerClientOptions.ConnectSocket</c>).
/// </summary>
public sealed class RecordingWebSocket : WebSocket
{
    private readonly ClientWebSocket _inner = new();
    private readonly ConcurrentQueue<string> _sent = new();

    public IReadOnlyList<string> Sent => [.. _sent];

    public override WebSocketCloseStatus? CloseStatus => _inner.CloseStatus;

    public override string? CloseStatusDescription => _inner.CloseStatusDescription;

    public override WebSocketState State => _inner.State;

    public override string? SubProtocol => _inner.SubProtocol;

    public static async Task<RecordingWebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new RecordingWebSocket();
        await socket._inner.ConnectAsync(uri, cancellationToken);
        return socket;
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        Record(buffer, messageType);
        return _inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        Record(buffer.Span, messageType);
        return _inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        => _inner.ReceiveAsync(buffer, cancellationToken);

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => _inner.ReceiveAsync(buffer, cancellationToken);

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => _inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => _inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Abort() => _inner.Abort();

    public override void Dispose() => _inner.Dispose();

    // The clients send each frame in one piece.
    private void Record(ReadOnlySpan<byte> buffer, WebSocketMessageType messageType)
    {
        if (messageType == WebSocketMessageType.Text)
        {
            _sent.Enqueue(Encoding.UTF8.GetString(buffer));
        }
    }
}
