using System.Buffers;

namespace Consumers.Connections;

/// <summary>A complete text message read from the client, in a buffer rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
/// <param name="buffer">The rented buffer.</param>
/// <param name="length">The message length in bytes.</param>
/// <param name="throttled">Over the connection's rate limit: to be answered with 429, not handled.</param>
internal readonly struct InboundMessage(byte[] buffer, int length, bool throttled = false)
{
    public bool Throttled => throttled;

    public ReadOnlyMemory<byte> Memory => new(buffer, 0, length);

    public void Release() => ArrayPool<byte>.Shared.Return(buffer);
}
