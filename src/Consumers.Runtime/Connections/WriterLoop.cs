using System.Buffers;
using System.Net.WebSockets;

namespace Consumers.Connections;

/// <summary>
/// The writer loop of one connection: started by <see cref="ConnectionWriter"/> with the first frame that has to wait,
/// it takes what the <see cref="SendQueue"/> holds and writes it in batches, the frames a delivery turn held before
/// each batch, until the queue is completed and empty; then, once a close was requested, the close frame. A failed write
/// ends it and aborts the connection.
/// </summary>
internal static class WriterLoop
{
    // How a write fails when its socket is aborted or its transport closed (see RunAsync); anything else is a bug.
    private static bool IsWriteFailure(Exception ex)
        => ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or InvalidOperationException;

    public static async Task RunAsync(ConnectionWriter writer, SendQueue queue, WebSocket socket, FrameBatchingStream? stream, bool batchEnvelopes)
    {
        // Frames are sent without a cancellation token: ManagedWebSocket takes a slower path (an async state machine, a
        // cancellation registration and an asynchronous lock) for every send with a cancellable token. The close
        // deadline aborts the socket instead, which fails a pending send just the same. A transport closed under a
        // write fails it with an IOException, an ObjectDisposedException or (a completed pipe) an InvalidOperationException.
        try
        {
            if (stream is not null)
            {
                await WriteToStreamAsync(writer, queue, stream, batchEnvelopes).ConfigureAwait(false);
            }
            else
            {
                await WriteToSocketAsync(writer, queue, socket, batchEnvelopes).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            writer.OnSendFailed(ex);
        }
    }

    /// <summary>
    /// The last writes once a close was requested: waits for <paramref name="loop"/> to write (or drop) what was queued,
    /// writes the frames still held, then sends the close frame, unless the socket failed or the close deadline passed.
    /// Never throws.
    /// </summary>
    public static async Task CloseAsync(ConnectionWriter writer, Task? loop, WebSocket socket, FrameBatchingStream? stream, ConnectionLifetime lifetime)
    {
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        try
        {
            if (stream is not null)
            {
                await writer.WritePendingAsync(stream, close: true).ConfigureAwait(false);
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(lifetime.CloseStatus, lifetime.CloseDescription, lifetime.CloseDeadline).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            writer.OnSendFailed(ex);
        }
    }

    // HTTP/1.1 upgrade (the usual case): what is queued leaves in one stream write of ready-made frames, one envelope
    // per frame, or with the batch subprotocol one frame holding a JSON array of them.
    private static async Task WriteToStreamAsync(ConnectionWriter writer, SendQueue queue, FrameBatchingStream stream, bool batchEnvelopes)
    {
        while (await queue.WaitToReadAsync().ConfigureAwait(false))
        {
            // Rented while there is something to write, not while the connection idles.
            var buffer = ArrayPool<byte>.Shared.Rent(SendQueue.MaxWriteBytes);
            try
            {
                while (queue.TryTake(out var first))
                {
                    // Frames a delivery turn held were sent before anything in the queue.
                    await writer.WritePendingAsync(stream, close: false).ConfigureAwait(false);
                    if (!first.IsFlush)
                    {
                        await WriteBatchAsync(queue, stream, buffer, first, batchEnvelopes).ConfigureAwait(false);
                    }

                    writer.Written(queue.Written());
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async ValueTask WriteBatchAsync(SendQueue queue, FrameBatchingStream stream, byte[] buffer, OutboundFrame first, bool batchEnvelopes)
    {
        if (first.Memory.Length + TextFrameHeader.MaxLength + 2 > buffer.Length)
        {
            // Larger than a batch: its header and its bytes, back to back.
            try
            {
                var length = TextFrameHeader.Write(buffer, first.Memory.Length);
                await stream.WriteFrameAsync(buffer.AsMemory(0, length), first.Memory).ConfigureAwait(false);
            }
            finally
            {
                first.Release();
            }

            return;
        }

        if (batchEnvelopes)
        {
            // The array is built after room for the longest header; its header goes right before it.
            var body = queue.TakeArray(buffer.AsSpan(TextFrameHeader.MaxLength), first);
            var start = TextFrameHeader.WriteBefore(buffer, TextFrameHeader.MaxLength, body);
            await stream.WriteFramesAsync(buffer.AsMemory(start, TextFrameHeader.MaxLength + body - start)).ConfigureAwait(false);
        }
        else
        {
            await stream.WriteFramesAsync(buffer.AsMemory(0, queue.TakeFrames(buffer, first))).ConfigureAwait(false);
        }
    }

    // Without an upgraded stream (HTTP/2 WebSockets, test servers): through the WebSocket, one send per frame.
    private static async Task WriteToSocketAsync(ConnectionWriter writer, SendQueue queue, WebSocket socket, bool batchEnvelopes)
    {
        while (await queue.WaitToReadAsync().ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(SendQueue.MaxWriteBytes);
            try
            {
                while (queue.TryTake(out var first))
                {
                    // Only direct writes hold frames (flush marks), and there are none without the upgraded stream.
                    if (!first.IsFlush)
                    {
                        await SendBatchAsync(queue, socket, buffer, first, batchEnvelopes).ConfigureAwait(false);
                    }

                    writer.Written(queue.Written());
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    // Through the WebSocket: one send per frame, or with the batch subprotocol one array frame of what is queued.
    private static async ValueTask SendBatchAsync(SendQueue queue, WebSocket socket, byte[] buffer, OutboundFrame first, bool batchEnvelopes)
    {
        if (!batchEnvelopes || first.Memory.Length + 2 > buffer.Length)
        {
            try
            {
                await socket.SendAsync(first.Memory, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                first.Release();
            }
        }
        else
        {
            var length = queue.TakeArray(buffer, first);
            await socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The writer loop of a resumable connection (<c>consumers.resume</c>): the queue numbers and keeps each frame as it is
    /// taken; the loop writes it to the socket that runs, within the send window (what the client has not acknowledged
    /// stays within <c>ResumeBufferBytes</c>), or to nothing while the session is parked. Before the next
    /// frame after a socket is attached, it writes that socket's <c>$resume</c> frame and the kept frames its client has
    /// not received. A failed write aborts that socket only: the session parks, the loop goes on.
    /// </summary>
    public static async Task RunResumableAsync(ConnectionWriter writer, SendQueue queue, bool batchEnvelopes)
    {
        while (await queue.WaitToReadAsync().ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(SendQueue.MaxWriteBytes);
            try
            {
                while (true)
                {
                    if (writer.TakeAttach() is { } attach)
                    {
                        await AttachAsync(writer, attach).ConfigureAwait(false);
                    }

                    // The send window: while a socket runs, a frame leaves only within the buffer's bound; the rest
                    // waits in the queue (and counts against its bound) for the client's $ack. Parked or closing, frames
                    // are taken regardless (past the bound the buffer overflows and the session cannot be resumed).
                    if (writer.MustWaitForAck(queue))
                    {
                        var room = queue.Recorder!.WaitForRoomAsync();
                        if (writer.MustWaitForAck(queue))
                        {
                            await room.ConfigureAwait(false);
                        }

                        continue;
                    }

                    if (!queue.TryTake(out var first))
                    {
                        break;
                    }

                    // Frames a delivery turn held (numbered before anything queued) leave first, as on any connection.
                    var target = writer.Target;
                    if (target?.Stream is { } held)
                    {
                        try
                        {
                            await writer.WritePendingAsync(held, close: false).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (IsWriteFailure(ex))
                        {
                            writer.TargetFailed(target, ex);
                            target = null;
                        }
                    }

                    if (first.IsFlush || target is null)
                    {
                        // Parked: taken (numbered and kept), written nowhere.
                        first.Release();
                    }
                    else
                    {
                        try
                        {
                            if (target.Stream is { } stream)
                            {
                                await WriteBatchAsync(queue, stream, buffer, first, batchEnvelopes).ConfigureAwait(false);
                            }
                            else
                            {
                                await SendBatchAsync(queue, target.Socket, buffer, first, batchEnvelopes).ConfigureAwait(false);
                            }
                        }
                        catch (Exception ex) when (IsWriteFailure(ex))
                        {
                            writer.TargetFailed(target, ex);
                        }
                    }

                    writer.Written(queue.Written());
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    // The $resume frame, then the kept frames after the client's last one, one text frame each; then live frames go to
    // the socket. A failure aborts it (its reader ends, the session parks again).
    private static async ValueTask AttachAsync(ConnectionWriter writer, ResumeAttach attach)
    {
        var socket = attach.Target.Socket;
        writer.DiscardPending();
        try
        {
            await socket.SendAsync(attach.Answer, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            foreach (var frame in writer.FramesAfter(attach.After) ?? [])
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            }

            writer.Attached(attach.Target);
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            writer.TargetFailed(attach.Target, ex);
        }
    }
}
