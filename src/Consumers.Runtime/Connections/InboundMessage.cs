using System.Buffers;

namespace Consumers.Connections;

/// <summary>A complete text message read from the client, in a buffer rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
internal readonly struct InboundMessage(byte[] buffer, int length)
{
    public ReadOnlyMemory<byte> Memory => new(buffer, 0, length);

    public void Release() => ArrayPool<byte>.Shared.Return(buffer);
}
