using System.Threading.Channels;

namespace Consumers.Connections;

/// <summary>
/// The frames waiting for one connection's writer, bounded in frames and in bytes, and the batches the writer takes off
/// it: up to <see cref="MaxFramesPerWrite"/> frames and <see cref="MaxWriteBytes"/> bytes per transport write, as
/// WebSocket text frames back to back, or (<c>consumers.batch</c>) one text frame holding a JSON array of the envelopes.
/// Any thread may add; only the writer takes.
/// </summary>
/// <remarks>
/// The count of frames accepted and not yet written, which decides whether a sender may write a frame itself, is the
/// writer's (<see cref="ConnectionWriter"/>): it counts a frame in before <see cref="TryAdd"/> and out by what
/// <see cref="Written"/> returns.
/// </remarks>
internal sealed class SendQueue
{
    /// <summary>Frames per socket write at most, when the queue holds more: bounds the delay of the first of them.</summary>
    public const int MaxFramesPerWrite = 64;

    /// <summary>Bytes of one batched write at most (frames, or the batch subprotocol's JSON array of envelopes).</summary>
    public const int MaxWriteBytes = 32 * 1024;

    private readonly Channel<OutboundFrame> _frames;
    private readonly int _maxBytes;

    // Frames in the channel, kept beside it: the writer asks "is another one waiting?" for every frame, and the channel
    // answers that only under its lock, which the group senders contend for.
    private int _queued;

    // Bytes of the frames in the queue (shared group payloads counted in full, once per connection).
    private int _queuedBytes;

    // Frames (and their bytes) the writer took off the queue and has not written yet, and frames it dropped since (the
    // writer's own counts).
    private int _taken;
    private int _dropped;
    private int _takenBytes;
    private volatile bool _dropping;

    /// <param name="capacity">Frames the queue holds at most.</param>
    /// <param name="maxBytes">Bytes the queue holds at most (a larger frame still goes when the queue is empty).</param>
    public SendQueue(int capacity, int maxBytes)
    {
        _maxBytes = maxBytes;
        _frames = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>
    /// A resumable connection's buffer (<c>consumers.resume</c>): every frame taken to be written is numbered and kept
    /// there, in the order taken, which is the order written. Null for every other connection.
    /// </summary>
    public ResumeBuffer? Recorder { get; init; }

    /// <summary>
    /// Bytes of the frames waiting in the queue or taken and not yet written (read by streams waiting for room and by
    /// <see cref="ConnectionWriter.Backlog"/>).
    /// </summary>
    public int QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>
    /// Adds a frame; false when the queue is full in frames or bytes, or completed. The caller keeps the frame then
    /// (and releases it).
    /// </summary>
    public bool TryAdd(OutboundFrame frame)
    {
        var length = frame.Memory.Length;
        var queuedBytes = Volatile.Read(ref _queuedBytes);
        if (queuedBytes != 0 && queuedBytes + length > _maxBytes)
        {
            return false;
        }

        if (!_frames.Writer.TryWrite(frame))
        {
            return false;
        }

        Interlocked.Increment(ref _queued);
        Interlocked.Add(ref _queuedBytes, length);
        return true;
    }


    /// <summary>No more frames are accepted; the writer takes what is queued, then its wait ends.</summary>
    public void Complete() => _frames.Writer.TryComplete();

    /// <summary>From now on, queued frames are released instead of taken (the client is not reading).</summary>
    public void DropAll() => _dropping = true;

    /// <summary>Waits until a frame is queued; false once the queue is completed and empty.</summary>
    public ValueTask<bool> WaitToReadAsync() => _frames.Reader.WaitToReadAsync();

    /// <summary>The next frame to send; frames queued for a client that stopped reading are released here.</summary>
    public bool TryTake(out OutboundFrame frame)
    {
        while (_frames.Reader.TryRead(out frame))
        {
            Interlocked.Decrement(ref _queued);
            if (!_dropping)
            {
                _taken++;
                _takenBytes += frame.Memory.Length;
                if (Recorder is { } recorder && !frame.IsFlush)
                {
                    recorder.Append(frame);
                }

                return true;
            }

            _dropped++;
            Interlocked.Add(ref _queuedBytes, -frame.Memory.Length);
            frame.Release();
        }

        return false;
    }

    /// <summary>
    /// The frames taken since the last call are written (or were dropped): they no longer count against the queue's bytes.
    /// </summary>
    /// <returns>How many frames left the queue since the last call, for the writer's count of unwritten frames.</returns>
    public int Written()
    {
        var frames = _taken + _dropped;
        Interlocked.Add(ref _queuedBytes, -_takenBytes);
        _taken = 0;
        _takenBytes = 0;
        _dropped = 0;
        return frames;
    }

    /// <summary>
    /// <paramref name="first"/> and the frames queued after it that fit, each as a WebSocket text frame (header and
    /// payload); at most <see cref="MaxFramesPerWrite"/> frames. Releases the frames; returns the bytes written.
    /// </summary>
    public int TakeFrames(Span<byte> destination, OutboundFrame first)
    {
        var length = 0;
        var count = 0;
        var frame = first;
        do
        {
            length += TextFrameHeader.Write(destination[length..], frame.Memory.Length);
            frame.Memory.Span.CopyTo(destination[length..]);
            length += frame.Memory.Length;
            frame.Release();
            count++;
        }
        while (TryTakeFitting(count, destination.Length - length - TextFrameHeader.MaxLength, out frame));

        return length;
    }

    /// <summary>
    /// <paramref name="first"/> alone, or <c>[first,next,...]</c> when more frames are queued (the payload of one text
    /// frame, without its header). Releases the frames; returns the bytes written.
    /// </summary>
    public int TakeArray(Span<byte> destination, OutboundFrame first)
    {
        var length = first.Memory.Length;
        if (!TryTakeFitting(1, destination.Length - length - 3, out var next))
        {
            first.Memory.Span.CopyTo(destination);
            first.Release();
            return length;
        }

        destination[0] = (byte)'[';
        first.Memory.Span.CopyTo(destination[1..]);
        first.Release();
        length++;
        var count = 1;
        do
        {
            destination[length++] = (byte)',';
            next.Memory.Span.CopyTo(destination[length..]);
            length += next.Memory.Length;
            next.Release();
            count++;
        }
        while (TryTakeFitting(count, destination.Length - length - 2, out next));

        destination[length++] = (byte)']';
        return length;
    }

    /// <summary>
    /// Whether the next queued frame must wait for the client's acknowledgement: a resumable connection's
    /// <see cref="Recorder"/> has no room for it within its bound (the send window). False for every other connection.
    /// </summary>
    public bool NextWaitsForRoom()
        => Recorder is { } recorder && _frames.Reader.TryPeek(out var next) && !next.IsFlush && !recorder.HasRoom(next.Memory.Length);

    /// <summary>Releases every queued frame (the connection has ended).</summary>
    public void Drain()
    {
        while (_frames.Reader.TryRead(out var frame))
        {
            frame.Release();
        }
    }

    // The next queued frame when it fits in the remaining space of a batch (and the batch is not full).
    private bool TryTakeFitting(int count, int space, out OutboundFrame frame)
    {
        frame = default;
        return count < MaxFramesPerWrite
            && Volatile.Read(ref _queued) > 0
            && _frames.Reader.TryPeek(out var next) && next.Memory.Length <= space && !next.IsFlush
            && (Recorder is null || Recorder.HasRoom(next.Memory.Length))
            && TryTake(out frame);
    }
}
