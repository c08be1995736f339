using System.Buffers;

namespace Consumers.Connections;

/// <summary>
/// The frames a connection's senders wrote while their dispatch turn defers writes (<see cref="WriteCombining"/>),
/// ready-made WebSocket text frames back to back in one pooled buffer, waiting to leave in one transport write.
/// Several senders (on their own threads) may add to it at once; whoever holds the stream's write lock takes it.
/// </summary>
internal sealed class PendingFrames
{
    /// <summary>The buffer's size: the most one combined write carries.</summary>
    public const int Capacity = 32 * 1024;

    /// <summary>Frames larger than this are never held back: they would leave little room to combine.</summary>
    public const int MaxFrameLength = 4 * 1024;

    // A spin lock (1 = taken): held only to copy one frame or to swap the buffer out, never across a wait, so a
    // compare-exchange to enter and a store to leave cost less than a Lock (which also looks up the thread's id).
    private int _locked;
    private byte[]? _buffer;
    private int _length;
    private bool _closed;

    /// <summary>Whether frames are waiting (a racy read, for skipping the lock when there are none).</summary>
    public bool IsEmpty => Volatile.Read(ref _length) == 0;

    /// <summary>
    /// Appends one JSON payload as a text frame. False when it does not fit (the caller writes what is pending and
    /// the frame itself) or when the connection is closing (the caller takes its usual path, which refuses it).
    /// </summary>
    /// <param name="payload">One complete frame's payload, at most <see cref="MaxFrameLength"/> bytes.</param>
    /// <param name="first">Set when the buffer was empty: the caller makes sure someone writes it.</param>
    public bool TryAppend(ReadOnlySpan<byte> payload, out bool first)
    {
        Enter();
        try
        {
            first = _length == 0;
            if (_closed || Capacity - _length < payload.Length + TextFrameHeader.MaxLength)
            {
                return false;
            }

            var buffer = _buffer ??= ArrayPool<byte>.Shared.Rent(Capacity);
            var length = _length + TextFrameHeader.Write(buffer.AsSpan(_length), payload.Length);
            payload.CopyTo(buffer.AsSpan(length));
            Volatile.Write(ref _length, length + payload.Length);
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Takes the waiting frames, and with them the buffer (to return to <see cref="ArrayPool{T}.Shared"/> once
    /// written); false when none are waiting. Call it only while holding the stream's write lock, so that the frames
    /// leave in the order they were added, before anything sent after them.
    /// </summary>
    /// <param name="buffer">The pooled buffer holding the frames.</param>
    /// <param name="length">The bytes of frames in it.</param>
    public bool TryTake(out byte[] buffer, out int length)
    {
        if (IsEmpty)
        {
            buffer = [];
            length = 0;
            return false;
        }

        Enter();
        try
        {
            length = _length;
            if (length == 0 || _buffer is not { } taken)
            {
                buffer = [];
                return false;
            }

            buffer = taken;
            _buffer = null;
            Volatile.Write(ref _length, 0);
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Refuses frames from now on and drops those waiting (the connection has written its last frame).</summary>
    public void Close()
    {
        Enter();
        try
        {
            _closed = true;
            if (_buffer is { } buffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                _buffer = null;
            }

            Volatile.Write(ref _length, 0);
        }
        finally
        {
            Exit();
        }
    }

    private void Enter()
    {
        if (Interlocked.CompareExchange(ref _locked, 1, 0) == 0)
        {
            return;
        }

        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce();
        }
        while (Interlocked.CompareExchange(ref _locked, 1, 0) != 0);
    }

    private void Exit() => Volatile.Write(ref _locked, 0);
}
