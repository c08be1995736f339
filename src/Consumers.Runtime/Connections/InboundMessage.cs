using System.Buffers;

namespace Consumers.Connections;

/// <summary>
/// One item of a connection's sequential work: a complete text message read from the client (in a buffer rented
/// from <see cref="ArrayPool{T}.Shared"/>), or a piece of consumer work such as an observer handler call, which runs
/// in order with the messages, like Channels runs a consumer's handlers one event at a time.
/// </summary>
internal readonly struct InboundMessage
{
    private readonly byte[]? _buffer;
    private readonly int _length;

    /// <summary>A message.</summary>
    /// <param name="buffer">The rented buffer.</param>
    /// <param name="length">The message length in bytes.</param>
    /// <param name="throttled">Over the connection's rate limit: to be answered with 429, not handled.</param>
    public InboundMessage(byte[] buffer, int length, bool throttled = false)
    {
        _buffer = buffer;
        _length = length;
        Throttled = throttled;
    }

    /// <summary>Consumer work.</summary>
    public InboundMessage(Func<ValueTask> work) => Work = work;

    public Func<ValueTask>? Work { get; }

    public bool Throttled { get; }

    public ReadOnlyMemory<byte> Memory => new(_buffer, 0, _length);

    public void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
