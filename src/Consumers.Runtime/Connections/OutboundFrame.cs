using System.Buffers;

namespace Consumers.Connections;

/// <summary>
/// One complete WebSocket text message waiting in a connection's send queue. A pooled frame owns a buffer
/// rented from <see cref="ArrayPool{T}.Shared"/> and returns it once sent or dropped.
/// </summary>
internal readonly struct OutboundFrame
{
    private readonly byte[] _buffer;
    private readonly int _length;
    private readonly bool _pooled;

    public OutboundFrame(byte[] buffer, int length, bool pooled)
    {
        _buffer = buffer;
        _length = length;
        _pooled = pooled;
    }

    public ReadOnlyMemory<byte> Memory => new(_buffer, 0, _length);

    public int Length => _length;

    public void Release()
    {
        if (_pooled)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
