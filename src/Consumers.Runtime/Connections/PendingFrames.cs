using System.Buffers;

namespace Consumers.Connections;

/// <summary>
/// The frames a connection's senders wrote while their delivery turn defers writes (<see cref="Groups.DeliveryTurn"/>),
/// waiting in one pooled buffer to leave in one transport write: ready-made WebSocket text frames back to back, or,
/// for a client of the batch subprotocol, one text frame holding a JSON array of the envelopes (a lone envelope
/// leaves as itself). Several senders (on their own threads) may add to it at once; whoever holds the stream's write
/// lock takes it.
/// </summary>
/// <param name="asArray">Whether the envelopes leave as one frame holding a JSON array of them (<c>consumers.batch</c>).</param>
internal sealed class PendingFrames(bool asArray)
{
    /// <summary>The buffer's size: the most one combined write carries.</summary>
    public const int Capacity = 32 * 1024;

    /// <summary>Frames larger than this are never held back: they would leave little room to combine.</summary>
    public const int MaxFrameLength = 4 * 1024;

    // A spin lock (SpinGate; 1 = taken): held only to copy one frame or to swap the buffer out, never across a wait.
    private int _locked;
    private byte[]? _buffer;

    // Bytes used in the buffer (0 when empty). As an array: room for the longest frame header, then '[' and the
    // envelopes separated by ','; the closing ']' and the header are written when it is taken.
    private int _length;
    private int _count;
    private bool _closed;

    /// <summary>Whether frames are waiting (a racy read, for skipping the lock when there are none).</summary>
    public bool IsEmpty => Volatile.Read(ref _length) == 0;

    /// <summary>
    /// Appends one JSON payload as a text frame (as an array: as its next element). False when it does not fit (the caller writes what is pending and
    /// the frame itself) or when the connection is closing (the caller takes its usual path, which refuses it).
    /// </summary>
    /// <param name="payload">One complete frame's payload, at most <see cref="MaxFrameLength"/> bytes.</param>
    /// <param name="first">Set when the buffer was empty: the caller makes sure someone writes it.</param>
    public bool TryAppend(ReadOnlySpan<byte> payload, out bool first)
    {
        using (SpinGate.Hold(ref _locked))
        {
            first = _length == 0;
            var used = first && asArray ? TextFrameHeader.MaxLength : _length;

            // A frame's header, or the separator and the array's closing bracket.
            if (_closed || Capacity - used < payload.Length + (asArray ? 2 : TextFrameHeader.MaxLength))
            {
                return false;
            }

            var buffer = _buffer ??= ArrayPool<byte>.Shared.Rent(Capacity);
            if (asArray)
            {
                buffer[used++] = first ? (byte)'[' : (byte)',';
            }
            else
            {
                used += TextFrameHeader.Write(buffer.AsSpan(used), payload.Length);
            }

            payload.CopyTo(buffer.AsSpan(used));
            _count++;
            Volatile.Write(ref _length, used + payload.Length);
            return true;
        }
    }

    /// <summary>
    /// Takes the waiting frames, and with them the buffer (to return to <see cref="ArrayPool{T}.Shared"/> once
    /// written); false when none are waiting. Call it only while holding the stream's write lock, so that the frames
    /// leave in the order they were added, before anything sent after them.
    /// </summary>
    /// <param name="buffer">The pooled buffer holding the frames.</param>
    /// <param name="offset">Where the frames start in it.</param>
    /// <param name="length">The bytes of frames from there.</param>
    public bool TryTake(out byte[] buffer, out int offset, out int length)
    {
        offset = 0;
        length = 0;
        if (IsEmpty)
        {
            buffer = [];
            return false;
        }

        using (SpinGate.Hold(ref _locked))
        {
            if (_length == 0 || _buffer is not { } taken)
            {
                buffer = [];
                return false;
            }

            buffer = taken;
            if (asArray)
            {
                // One envelope leaves as itself, several as the array: '[' is at MaxLength, the first envelope after it.
                var body = TextFrameHeader.MaxLength;
                var end = _length;
                if (_count == 1)
                {
                    body++;
                }
                else
                {
                    taken[end++] = (byte)']';
                }

                offset = TextFrameHeader.WriteBefore(taken, body, end - body);
                length = end - offset;
            }
            else
            {
                length = _length;
            }

            _buffer = null;
            _count = 0;
            Volatile.Write(ref _length, 0);
            return true;
        }
    }

    /// <summary>
    /// Takes the waiting frames and writes them in one write, waiting for the stream's write lock (the writer loop's
    /// turn, and the last write before the close frame).
    /// </summary>
    /// <param name="stream">The upgraded stream.</param>
    /// <param name="discard">Release the frames instead of writing them (the client stopped reading).</param>
    /// <param name="close">The last time: refuse frames from now on.</param>
    public async ValueTask WriteAsync(FrameBatchingStream stream, bool discard, bool close)
    {
        await stream.EnterWriteAsync().ConfigureAwait(false);
        try
        {
            if (TryTake(out var buffer, out var offset, out var length))
            {
                try
                {
                    if (!discard)
                    {
                        await stream.WriteEnteredAsync(buffer.AsMemory(offset, length)).ConfigureAwait(false);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            if (close)
            {
                Close();
            }
        }
        finally
        {
            stream.ExitWrite();
        }
    }

    /// <summary>Refuses frames from now on and drops those waiting (the connection has written its last frame).</summary>
    public void Close()
    {
        using (SpinGate.Hold(ref _locked))
        {
            _closed = true;
            if (_buffer is { } buffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                _buffer = null;
            }

            _count = 0;
            Volatile.Write(ref _length, 0);
        }
    }
}
