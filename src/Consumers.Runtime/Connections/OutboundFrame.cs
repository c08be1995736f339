using System.Buffers;

namespace Consumers.Connections;

/// <summary>
/// One complete WebSocket text message waiting in a connection's send queue: either a buffer rented from
/// <see cref="ArrayPool{T}.Shared"/> that this frame owns (returned once sent or dropped), or bytes shared with
/// other connections (a group message serialized once), which are never written to.
/// </summary>
internal readonly struct OutboundFrame
{
    private readonly byte[]? _rented;

    private OutboundFrame(ReadOnlyMemory<byte> memory, byte[]? rented, bool isFlush = false)
    {
        Memory = memory;
        _rented = rented;
        IsFlush = isFlush;
    }

    public ReadOnlyMemory<byte> Memory { get; }

    /// <summary>
    /// No frame: a mark that makes the writer write the connection's <see cref="PendingFrames"/>, queued when the
    /// turn that held them ends while another write holds the stream.
    /// </summary>
    public bool IsFlush { get; }

    /// <summary>
    /// Whether the bytes are shared and never written to (a group message's payload, the same for every member): they
    /// may be kept after the frame is written, where a frame in a rented buffer must be copied.
    /// </summary>
    public bool IsShared => _rented is null && !IsFlush;

    public static OutboundFrame Flush => new(ReadOnlyMemory<byte>.Empty, null, isFlush: true);

    public static OutboundFrame Rented(byte[] buffer, int length) => new(new ReadOnlyMemory<byte>(buffer, 0, length), buffer);

    public static OutboundFrame Shared(ReadOnlyMemory<byte> bytes) => new(bytes, null);

    public void Release()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }
    }
}
