using System.Net.WebSockets;

namespace Consumers.Connections;

// The writer of a resumable connection (consumers.resume): a frame is numbered and kept as it leaves. A sender writes
// it directly, or a delivery turn holds it, as on any connection, when the socket runs and nothing is unwritten (checked
// and numbered under the buffer's lock, the one the loop numbers its frames under); otherwise it goes through the send
// queue, where the queue numbers and keeps it (its Recorder) as the writer loop takes it. No direct write or hold
// happens while the loop holds frames it took (they count as unwritten), and the loop writes held frames before what
// it takes next, so the numbering is the order frames leave in. The loop writes to
// the socket that runs now, to nothing while the session is parked, and, when a socket is attached, first the $resume
// frame and the frames the client has not received; direct writes start again only after that.
internal sealed partial class ConnectionWriter
{
    // The session whose buffer keeps what is sent; null for every other connection (nothing of this file runs then).
    private ResumeSession? _resume;

    // The socket the loop writes to; null while parked.
    private ResumeTarget? _target;

    // A socket to write to from the next frame on, after its $resume frame and the replay.
    private ResumeAttach? _attach;

    // Makes a run of frames enter the queue together (an $origin frame and the frames it describes): every frame of a
    // resumable connection enters under it. Nothing else is locked while it is held.
    private readonly Lock _queueOrder = new();

    // Under _gate: whether the deliveries held for a running action include $origin frames (they then leave together,
    // through the queue; without, each leaves as any send does).
    private bool _heldOrigins;

    /// <summary>
    /// Sends a group message's frames right after its <c>$origin</c> frame, nothing between them (docs/protocol.md,
    /// "Recovery on another node"), as <see cref="TrySendDelivery"/> sends (after a running action's reply).
    /// </summary>
    /// <returns><see langword="false"/> when the frames were dropped.</returns>
    public bool TrySendWithOrigin(OutboundFrame origin, ReadOnlySpan<OutboundFrame> frames)
    {
        if (Volatile.Read(ref _holds) != 0)
        {
            lock (_gate)
            {
                if (_holds != 0)
                {
                    _heldOrigins = true;
                    var kept = Defer(origin);
                    foreach (var frame in frames)
                    {
                        kept = kept ? Defer(frame) : Dropped(frame);
                    }

                    return kept;
                }
            }
        }

        if (frames.Length == 1)
        {
            ReadOnlySpan<OutboundFrame> pair = [origin, frames[0]];
            return EnqueueAll(pair);
        }

        OutboundFrame[] all = [origin, .. frames];
        return EnqueueAll(all);
    }

    private static bool Dropped(OutboundFrame frame)
    {
        frame.Release();
        return false;
    }

    // A resumable connection's way into the queue: the frames enter one after another with no other frame between
    // them; what does not fit is dropped (and the connection closed) after the lock is let go.
    private bool EnqueueAll(ReadOnlySpan<OutboundFrame> frames)
    {
        var queue = Volatile.Read(ref _queue) ?? CreateQueue();
        var added = 0;
        lock (_queueOrder)
        {
            for (; added < frames.Length; added++)
            {
                Interlocked.Increment(ref _unwritten);
                if (!queue.TryAdd(frames[added]))
                {
                    Interlocked.Decrement(ref _unwritten);
                    break;
                }
            }
        }

        for (var i = added; i < frames.Length; i++)
        {
            Drop(frames[i]);
        }

        return added == frames.Length;
    }

    /// <summary>Makes this a resumable connection's writer; before anything is sent.</summary>
    public void EnableResume(ResumeSession session) => _resume = session;

    /// <summary>
    /// Starts writing, or writes again, to <paramref name="socket"/>: first <paramref name="answer"/> (the <c>$resume</c>
    /// frame, not counted), then the kept frames after <paramref name="after"/>, then what is queued and what comes.
    /// </summary>
    /// <param name="socket">The accepted WebSocket.</param>
    /// <param name="stream">Its upgraded stream, through which the loop writes batches; or null.</param>
    /// <param name="batchEnvelopes">Whether the client accepted <c>consumers.batch</c>.</param>
    /// <param name="answer">The <c>$resume</c> frame.</param>
    /// <param name="after">The last frame the client has; the replay starts after it.</param>
    public void Attach(WebSocket socket, FrameBatchingStream? stream, bool batchEnvelopes, byte[] answer, long after)
    {
        _batchEnvelopes = batchEnvelopes;
        lock (_gate)
        {
            Volatile.Write(ref _attach, new ResumeAttach(new ResumeTarget(socket, stream), answer, after));
            var first = _socket is null;
            Volatile.Write(ref _socket, socket);
            if (first && _lifetime.CloseRequested)
            {
                _close ??= SendCloseAsync(socket);
            }
        }

        // Wakes the loop (or starts it), which attaches the socket before it takes the next frame.
        Enqueue(OutboundFrame.Flush);
        _resume?.Buffer.Wake();
    }

    /// <summary>The socket dropped: from now on the loop numbers and keeps what is sent, and writes it nowhere.</summary>
    public void Park()
    {
        Volatile.Write(ref _direct, null);
        Volatile.Write(ref _target, null);
        _resume?.Buffer.Wake();
    }

    /// <summary>Whether the loop waits for an acknowledgement before the next queued frame: a socket runs, no close was requested, and the frame is past the send window.</summary>
    internal bool MustWaitForAck(SendQueue queue) => Volatile.Read(ref _target) is not null && !_closing && queue.NextWaitsForRoom();

    /// <summary>Whether the send queue is full because the client has not acknowledged what the window allows (its frames wait for an <c>$ack</c>).</summary>
    private bool WindowFull => _resume is not null && Volatile.Read(ref _queue) is { } queue && queue.NextWaitsForRoom();

    /// <summary>The socket the loop writes to now, or null (parked).</summary>
    internal ResumeTarget? Target => Volatile.Read(ref _target);

    /// <summary>The socket to attach before the next frame, if one waits.</summary>
    internal ResumeAttach? TakeAttach() => Volatile.Read(ref _attach) is null ? null : Interlocked.Exchange(ref _attach, null);

    /// <summary>The kept frames after <paramref name="seq"/>, or null when they are gone (overflow).</summary>
    internal byte[][]? FramesAfter(long seq) => _resume!.Buffer.After(seq);

    /// <summary>
    /// Drops the frames a delivery turn held and no write took before the socket dropped: they are numbered and kept,
    /// and leave with the replay of the socket being attached (before any live frame).
    /// </summary>
    internal void DiscardPending()
    {
        if (Volatile.Read(ref _pending) is { } pending && pending.TryTake(out var buffer, out _, out _))
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The attached socket's $resume frame and replay are written: live frames go to it now.</summary>
    internal void Attached(ResumeTarget target)
    {
        Volatile.Write(ref _target, target);
        Volatile.Write(ref _direct, target.Stream);
    }

    /// <summary>A write to <paramref name="target"/> failed: it is aborted (its reader ends and the session parks).</summary>
    internal void TargetFailed(ResumeTarget target, Exception ex)
    {
        ConnectionLog.SendFailed(_logger, ex);
        Interlocked.CompareExchange(ref _direct, null, target.Stream);
        Interlocked.CompareExchange(ref _target, null, target);
        target.Socket.Abort();
    }

    // A sender's direct write to `stream` failed: its socket is aborted as a failed loop write's is; the frame is kept
    // (numbered before the write) for the resume. A socket replaced meanwhile is left alone (it was parked already).
    private void DirectWriteFailed(FrameBatchingStream stream, Exception ex)
    {
        if (Volatile.Read(ref _target) is { } target && target.Stream == stream)
        {
            TargetFailed(target, ex);
        }
        else
        {
            ConnectionLog.SendFailed(_logger, ex);
        }
    }
}

/// <summary>A socket a resumable connection's writer loop writes to, and its upgraded stream (or null).</summary>
internal sealed record ResumeTarget(WebSocket Socket, FrameBatchingStream? Stream);

/// <summary>A socket to attach: its <c>$resume</c> frame and the last frame its client has.</summary>
internal sealed record ResumeAttach(ResumeTarget Target, byte[] Answer, long After);
