using System.Buffers;

namespace Consumers.Connections;

/// <summary>
/// The frames a resumable session (<c>consumers.resume</c>) has sent and the client has not acknowledged, numbered
/// from 1 in the order they left, bounded in bytes: what a client that comes back gets again. Shared bytes (a group
/// message's payload, <see cref="OutboundFrame.IsShared"/>) are kept as they are, not copied; other frames are copied
/// back to back into chunks rented from <see cref="ArrayPool{T}.Shared"/> (1 KiB first, doubling up to 16 KiB; one of its
/// own for a larger frame). Either way a frame counts its length against the bound. An acknowledgement gives back the
/// chunks whose frames it covers, and a buffer with nothing unacknowledged holds no chunk.
/// </summary>
/// <remarks>
/// Appended to as frames leave (a sender's direct write, a delivery turn's held frames, the writer loop taking one off
/// the send queue); acknowledged from the reader; read for a replay by the writer loop. One spin lock (<see cref="SpinGate"/>), held only to number, copy or
/// forget frames. Past <c>maxBytes</c> (each frame counts its bytes plus <see cref="FrameOverhead"/>) the buffer
/// overflows once: everything is given back, nothing is kept any more, and the overflow callback runs.
/// </remarks>
internal sealed class ResumeBuffer(int maxBytes, Action overflowed)
{
    /// <summary>What a frame costs besides its bytes (its entry), so that tiny frames cannot grow the entries unbounded.</summary>
    public const int FrameOverhead = 32;

    // Chunks start small (a parked session that missed a few frames holds little) and double up to the largest.
    private const int FirstChunkSize = 1024;
    private const int ChunkSize = 16 * 1024;

    // SpinGate (1 = taken): held only to number, copy or forget frames, never across a wait.
    private int _locked;

    // The unacknowledged frames, oldest first, as a ring whose length is a power of two: their bytes in a chunk, or the
    // shared bytes they were sent from.
    private ReadOnlyMemory<byte>[] _entries = [];
    private int _head;
    private int _count;

    // Chunks that take no more frames, each with the number of the last frame copied into it (given back once that one
    // is acknowledged), oldest first; and the chunk frames are copied into now, with the number of its last frame.
    private Queue<(byte[] Chunk, long Last)>? _full;
    private byte[]? _current;
    private int _currentUsed;
    private long _currentLast;

    private long _acknowledged;
    private long _last;
    private int _bytes;
    private bool _overflowed;

    // The writer loop waiting for an acknowledgement to make room (WaitForRoomAsync); completed by the next one, or Wake.
    private TaskCompletionSource? _room;

    /// <summary>The bound, in bytes (frames plus <see cref="FrameOverhead"/> each).</summary>
    public int MaxBytes => maxBytes;

    /// <summary>The number of the last frame appended (0 before the first).</summary>
    public long Last
    {
        get
        {
            using (SpinGate.Hold(ref _locked))
            {
                return _last;
            }
        }
    }

    /// <summary>Whether the bound was passed: nothing is kept and the session cannot be resumed.</summary>
    public bool Overflowed
    {
        get
        {
            using (SpinGate.Hold(ref _locked))
            {
                return _overflowed;
            }
        }
    }

    /// <summary>Bytes held, frames and their overhead (for tests and the memory bound).</summary>
    public int Bytes
    {
        get
        {
            using (SpinGate.Hold(ref _locked))
            {
                return _bytes;
            }
        }
    }

    /// <summary>
    /// Whether a frame of <paramref name="length"/> bytes fits within the bound now (always when nothing is kept): the
    /// send window of a connected session, whose writer sends no further until the client acknowledges (a racy read;
    /// only the writer appends, and acknowledgements only make room).
    /// </summary>
    public bool HasRoom(int length) => Fits(Volatile.Read(ref _bytes), length);

    /// <summary>
    /// Completes with the next acknowledgement that forgets a frame, or <see cref="Wake"/>; the caller checks
    /// <see cref="HasRoom"/> again after taking the task (an acknowledgement may have come before).
    /// </summary>
    public Task WaitForRoomAsync()
    {
        using (SpinGate.Hold(ref _locked))
        {
            return (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>Ends a wait of <see cref="WaitForRoomAsync"/> without room (the socket dropped or was attached, or a close began).</summary>
    public void Wake()
    {
        TaskCompletionSource? room;
        using (SpinGate.Hold(ref _locked))
        {
            room = _room;
            _room = null;
        }

        room?.TrySetResult();
    }

    /// <summary>
    /// Numbers and keeps a frame a sender writes itself, unless <paramref name="unwritten"/> (the writer's count of
    /// queued frames not yet written) is not zero or the frame is past the send window: then nothing changes and the
    /// caller queues it. Checked and numbered under the lock that numbers the writer loop's frames too, so a frame queued
    /// meanwhile is numbered after this one (and written after it, behind the stream's write lock the caller holds).
    /// </summary>
    public bool TryAppendDirect(OutboundFrame frame, ref int unwritten) => TryAppendLeaving(frame, ref unwritten, null, out _);

    /// <summary>
    /// As <see cref="TryAppendDirect"/>, for a frame a delivery turn holds: under the same lock, the frame joins
    /// <paramref name="pending"/> (written before anything the writer loop takes later) and is numbered; false, with
    /// nothing changed, when something is queued, the frame is past the send window or <paramref name="pending"/> has no
    /// room.
    /// </summary>
    /// <param name="frame">The frame's payload.</param>
    /// <param name="unwritten">The writer's count of queued frames not yet written.</param>
    /// <param name="pending">The connection's held frames.</param>
    /// <param name="first">Set when <paramref name="pending"/> was empty (the caller makes sure someone writes it).</param>
    public bool TryAppendHeld(OutboundFrame frame, ref int unwritten, PendingFrames pending, out bool first)
        => TryAppendLeaving(frame, ref unwritten, pending, out first);

    /// <summary>Numbers and keeps a frame that leaves now; past the bound the buffer overflows (once) instead.</summary>
    public void Append(OutboundFrame frame)
    {
        bool overflow;
        using (SpinGate.Hold(ref _locked))
        {
            overflow = AppendLocked(frame);
        }

        if (overflow)
        {
            overflowed();
        }
    }

    // TryAppendDirect and TryAppendHeld: the check, the join to the held frames and the numbering under one lock.
    private bool TryAppendLeaving(OutboundFrame frame, ref int unwritten, PendingFrames? pending, out bool first)
    {
        bool overflow;
        using (SpinGate.Hold(ref _locked))
        {
            first = false;
            if (Volatile.Read(ref unwritten) != 0 || !Fits(_bytes, frame.Memory.Length) || (pending is not null && !pending.TryAppend(frame.Memory.Span, out first)))
            {
                return false;
            }

            overflow = AppendLocked(frame);
        }

        if (overflow)
        {
            overflowed();
        }

        return true;
    }

    // Whether a frame of `length` bytes fits beside `bytes` kept: within the bound, or alone.
    private bool Fits(int bytes, int length) => bytes == 0 || bytes + length + FrameOverhead <= maxBytes;

    // Under the lock: numbers the frame and keeps it; true when it overflowed the buffer just now.
    private bool AppendLocked(OutboundFrame frame)
    {
        _last++;
        if (_overflowed)
        {
            return false;
        }

        var cost = frame.Memory.Length + FrameOverhead;
        if (_bytes + cost > maxBytes)
        {
            _overflowed = true;
            ReleaseAll();
            return true;
        }

        Store(frame);
        _bytes += cost;
        return false;
    }

    /// <summary>The client has every frame up to <paramref name="seq"/>: they are forgotten.</summary>
    /// <returns>False when <paramref name="seq"/> is negative or past the last frame sent (the buffer is unchanged).</returns>
    public bool Acknowledge(long seq)
    {
        TaskCompletionSource? room;
        using (SpinGate.Hold(ref _locked))
        {
            if (seq < 0 || seq > _last)
            {
                return false;
            }

            if (seq <= _acknowledged)
            {
                return true;
            }

            var drop = (int)Math.Min(seq - _acknowledged, _count);
            _acknowledged = seq;
            if (_overflowed)
            {
                return true;
            }

            var freed = 0;
            var mask = _entries.Length - 1;
            for (var i = 0; i < drop; i++)
            {
                freed += _entries[_head].Length + FrameOverhead;
                _entries[_head] = default;
                _head = (_head + 1) & mask;
            }

            _count -= drop;
            Volatile.Write(ref _bytes, _bytes - freed);

            ReleaseAcknowledged();
            room = drop > 0 ? _room : null;
            if (room is not null)
            {
                _room = null;
            }
        }

        room?.TrySetResult();
        return true;
    }

    /// <summary>Whether the frames after <paramref name="seq"/> are all here (what <see cref="After"/> would return).</summary>
    public bool HoldsAfter(long seq)
    {
        using (SpinGate.Hold(ref _locked))
        {
            return !_overflowed && seq >= _acknowledged && seq <= _last;
        }
    }

    /// <summary>
    /// Copies of the frames after <paramref name="seq"/>, oldest first, for a client that has every frame up to it;
    /// null when they are not all here any more (overflowed, or <paramref name="seq"/> below what was acknowledged or
    /// past the last frame).
    /// </summary>
    public byte[][]? After(long seq)
    {
        using (SpinGate.Hold(ref _locked))
        {
            if (_overflowed || seq < _acknowledged || seq > _last)
            {
                return null;
            }

            var skip = (int)(seq - _acknowledged);
            var frames = new byte[_count - skip][];
            for (var i = 0; i < frames.Length; i++)
            {
                frames[i] = _entries[(_head + skip + i) & (_entries.Length - 1)].ToArray();
            }

            return frames;
        }
    }

    /// <summary>Gives every chunk back (the session has ended); nothing is kept afterwards.</summary>
    public void Release()
    {
        using (SpinGate.Hold(ref _locked))
        {
            _overflowed = true;
            ReleaseAll();
        }
    }

    // Under the lock: keeps frame number _last. Shared bytes (a group message's payload, the same for every member and
    // never written to) are kept as they are; a frame in a buffer of its own (given back once written) is copied after
    // the last one, into the current chunk when it fits.
    private void Store(OutboundFrame frame)
    {
        var kept = frame.IsShared ? frame.Memory : Copy(frame.Memory.Span);
        if (_count == _entries.Length)
        {
            var larger = new ReadOnlyMemory<byte>[Math.Max(16, _entries.Length * 2)];
            for (var i = 0; i < _count; i++)
            {
                larger[i] = _entries[(_head + i) & (_entries.Length - 1)];
            }

            _entries = larger;
            _head = 0;
        }

        _entries[(_head + _count) & (_entries.Length - 1)] = kept;
        _count++;
    }

    private ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > ChunkSize)
        {
            // A chunk of its own; the current one takes no more frames (chunks are given back in the order they fill).
            CloseCurrent();
            var own = ArrayPool<byte>.Shared.Rent(frame.Length);
            frame.CopyTo(own);
            (_full ??= new Queue<(byte[], long)>()).Enqueue((own, _last));
            return own.AsMemory(0, frame.Length);
        }

        if (_current is not null && _current.Length - _currentUsed < frame.Length)
        {
            var size = Math.Min(ChunkSize, _current.Length * 2);
            CloseCurrent();
            _current = ArrayPool<byte>.Shared.Rent(Math.Max(size, frame.Length));
        }

        _current ??= ArrayPool<byte>.Shared.Rent(Math.Max(FirstChunkSize, frame.Length));
        var offset = _currentUsed;
        frame.CopyTo(_current.AsSpan(offset));
        _currentUsed += frame.Length;
        _currentLast = _last;
        return _current.AsMemory(offset, frame.Length);
    }

    // The current chunk takes no more frames (it is given back once its last frame is acknowledged).
    private void CloseCurrent()
    {
        if (_current is not null)
        {
            (_full ??= new Queue<(byte[], long)>()).Enqueue((_current, _currentLast));
            _current = null;
            _currentUsed = 0;
        }
    }

    // Under the lock: gives back the chunks whose frames are all acknowledged.
    private void ReleaseAcknowledged() => ReleaseChunksThrough(_acknowledged);

    private void ReleaseAll()
    {
        ReleaseChunksThrough(long.MaxValue);
        Array.Clear(_entries);
        _head = 0;
        _count = 0;
        _bytes = 0;
    }

    // Under the lock: gives back the chunks whose last frame is numbered `seq` or lower.
    private void ReleaseChunksThrough(long seq)
    {
        while (_full is not null && _full.TryPeek(out var full) && full.Last <= seq)
        {
            ArrayPool<byte>.Shared.Return(_full.Dequeue().Chunk);
        }

        if (_current is not null && _currentLast <= seq)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = null;
            _currentUsed = 0;
        }
    }
}
