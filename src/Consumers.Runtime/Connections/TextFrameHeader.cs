using System.Buffers.Binary;

namespace Consumers.Connections;

/// <summary>
/// The header of one unmasked, final WebSocket text frame as a server sends it (RFC 6455 §5.2): <c>0x81</c>, then the
/// payload length in 7 bits, or 126 and 16 bits, or 127 and 64 bits, big-endian. No extension is negotiated on
/// consumer connections, so no RSV bit is set.
/// </summary>
internal static class TextFrameHeader
{
    /// <summary>The longest header: 2 bytes and a 64-bit length.</summary>
    public const int MaxLength = 10;

    /// <summary>The header's length for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static int LengthOf(int payloadLength) => payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10;

    /// <summary>
    /// Writes the header of a text frame whose payload is already in <paramref name="buffer"/> at
    /// <paramref name="payloadStart"/> (at least <see cref="MaxLength"/>), right before it; returns where the frame starts.
    /// </summary>
    public static int WriteBefore(Span<byte> buffer, int payloadStart, int payloadLength)
    {
        var start = payloadStart - LengthOf(payloadLength);
        Write(buffer[start..], payloadLength);
        return start;
    }

    /// <summary>Writes the header of a text frame of <paramref name="payloadLength"/> bytes; returns its length.</summary>
    public static int Write(Span<byte> destination, int payloadLength)
    {
        destination[0] = 0x81;
        if (payloadLength < 126)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }

        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }

        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }
}
