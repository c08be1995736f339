using System.Buffers;
using Consumers.Groups;

namespace Consumers.Connections;

// The sender's own writes (the first part of the ordering rule, on ConnectionWriter): frames a delivery turn holds for
// its end (PendingFrames), written together by the turn, by a direct write that joins them, or by the writer loop
// before its next batch; and direct writes from the sender's thread when nothing waits and no write is in progress.
// On a resumable connection both number the frame as it joins or leaves (ResumeBuffer.TryAppendHeld / TryAppendDirect).
internal sealed partial class ConnectionWriter
{
    // The writer's turn to write held frames (waiting for the stream's lock); with `close`, the last time: frames held
    // afterwards are refused.
    internal ValueTask WritePendingAsync(FrameBatchingStream stream, bool close)
    {
        var pending = Volatile.Read(ref _pending);
        if (close && pending is null)
        {
            Interlocked.CompareExchange(ref _pending, new PendingFrames(asArray: false), null);
            pending = _pending;
        }

        return pending is null || (pending.IsEmpty && !close) ? ValueTask.CompletedTask : pending.WriteAsync(stream, discard: _dropping, close);
    }

    private PendingFrames Pending()
    {
        if (Volatile.Read(ref _pending) is { } pending)
        {
            return pending;
        }

        Interlocked.CompareExchange(ref _pending, new PendingFrames(_batchEnvelopes), null);
        return _pending;
    }

    // Holds a frame for the end of this thread's delivery turn; false when it is too big, the connection is closing or
    // the pending frames are full (the caller then writes them and the frame together).
    private bool TryHold(OutboundFrame frame)
    {
        if (frame.Memory.Length > PendingFrames.MaxFrameLength || _closing || !TryAppendPending(Pending(), frame, out var first))
        {
            return false;
        }

        frame.Release();
        if (first)
        {
            DeliveryTurn.Hold(this);
        }

        return true;
    }

    // Adds a frame to the held ones; on a resumable connection also numbered and kept, only while nothing is queued and
    // within the send window (ResumeBuffer.TryAppendHeld), so that held frames are numbered in the order they leave.
    private bool TryAppendPending(PendingFrames pending, OutboundFrame frame, out bool first)
        => _resume is { } resume
            ? resume.Buffer.TryAppendHeld(frame, ref _unwritten, pending, out first)
            : pending.TryAppend(frame.Memory.Span, out first);

    /// <summary>
    /// Writes the frames held for this connection by a delivery turn that has ended. When another write holds the
    /// stream, the writer is woken to write them after it (they never wait for a later turn).
    /// </summary>
    public void WriteHeld()
    {
        if (Volatile.Read(ref _pending) is not { IsEmpty: false } pending || Volatile.Read(ref _direct) is not { } stream)
        {
            return;
        }

        if (!stream.TryEnterWrite())
        {
            Enqueue(OutboundFrame.Flush);
            return;
        }

        // Closing: the writer writes what is pending before the close frame.
        if (_closing || !pending.TryTake(out var buffer, out var offset, out var length))
        {
            stream.ExitWrite();
            return;
        }

        StartWrite(stream, buffer, offset, length, this);
    }

    // The sender's own write: only under the stream's lock taken without waiting, with nothing unwritten before it
    // and the connection not closing. Frames held by a delivery turn go first, in the same write. True when the frame
    // is taken care of (written, being written, or lost with a connection whose transport just failed).
    private bool TryWriteNow(FrameBatchingStream stream, OutboundFrame frame)
    {
        if (!stream.TryEnterWrite())
        {
            return false;
        }

        if (Volatile.Read(ref _unwritten) != 0 || _closing || frame.Memory.Length + TextFrameHeader.MaxLength > SendQueue.MaxWriteBytes)
        {
            stream.ExitWrite();
            return false;
        }

        // Frames held by a delivery turn go first, joined by this one when it fits (as an array element for a client of
        // the batch subprotocol).
        var length = frame.Memory.Length;
        var pending = Volatile.Read(ref _pending);
        if (pending is { IsEmpty: false })
        {
            if (length <= PendingFrames.MaxFrameLength && TryAppendPending(pending, frame, out _))
            {
                frame.Release();
                if (pending.TryTake(out var joined, out var offset, out var total))
                {
                    StartWrite(stream, joined, offset, total, this);
                }
                else
                {
                    stream.ExitWrite();
                }

                return true;
            }

            if (pending.TryTake(out var held, out var heldOffset, out var heldLength))
            {
                // No room to join them: the held frames leave now, this one through the queue after them.
                StartWrite(stream, held, heldOffset, heldLength, this);
                return false;
            }
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length + TextFrameHeader.MaxLength);
        var header = TextFrameHeader.Write(buffer, length);
        frame.Memory.Span.CopyTo(buffer.AsSpan(header));
        if (_resume is { } resume)
        {
            // Numbered and kept as it leaves, unless a frame was queued meanwhile (checked again where the loop numbers
            // its frames) or it is past the send window: then it waits in the queue behind them, or for the client's $ack.
            if (!resume.Buffer.TryAppendDirect(frame, ref _unwritten))
            {
                ArrayPool<byte>.Shared.Return(buffer);
                stream.ExitWrite();
                return false;
            }
        }

        frame.Release();
        StartWrite(stream, buffer, 0, header + length, this);
        return true;
    }

    private static void StartWrite(FrameBatchingStream stream, byte[] buffer, int offset, int length, ConnectionWriter writer)
        => stream.StartEnteredWrite(buffer, offset, length, static (s, ex) => s.Writer.WriteFailed(s.Stream, ex), (Writer: writer, Stream: stream));

    // A failed write aborts the connection; on a resumable one only the socket of `stream` (the session parks, what it
    // was writing is kept for the resume).
    private void WriteFailed(FrameBatchingStream stream, Exception ex)
    {
        if (_resume is null)
        {
            OnSendFailed(ex);
        }
        else
        {
            DirectWriteFailed(stream, ex);
        }
    }
}
