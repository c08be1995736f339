using System.Buffers.Text;
using System.Diagnostics;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// The body every sender sends and every server delivers unchanged: <c>@@</c>, the send time (16 hex digits of
/// <see cref="Stopwatch.GetTimestamp"/>), the sender (8 hex), the sequence number (8 hex), then filler up to the payload
/// size. Plain ASCII, so no protocol escapes it and a client finds it in any of the three formats by its marker.
/// </summary>
internal static class ChatBody
{
    public const int HeaderLength = 2 + 16 + 8 + 8;

    public static void Write(Span<byte> body, long timestamp, int sender, int sequence)
    {
        body[0] = (byte)'@';
        body[1] = (byte)'@';
        Utf8Formatter.TryFormat((ulong)timestamp, body.Slice(2, 16), out _, new System.Buffers.StandardFormat('X', 16));
        Utf8Formatter.TryFormat((uint)sender, body.Slice(18, 8), out _, new System.Buffers.StandardFormat('X', 8));
        Utf8Formatter.TryFormat((uint)sequence, body.Slice(26, 8), out _, new System.Buffers.StandardFormat('X', 8));
        body[HeaderLength..].Fill((byte)'x');
    }

    /// <summary>Finds the body in a delivered message; false for anything else (replies, pings, handshakes).</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out long timestamp, out int sender, out int sequence)
    {
        timestamp = 0;
        sender = 0;
        sequence = 0;
        var at = message.IndexOf("@@"u8);
        if (at < 0 || message.Length - at < HeaderLength)
        {
            return false;
        }

        var header = message.Slice(at + 2, HeaderLength - 2);
        return Utf8Parser.TryParse(header[..16], out ulong ts, out _, 'X')
            && Utf8Parser.TryParse(header.Slice(16, 8), out uint s, out _, 'X')
            && Utf8Parser.TryParse(header.Slice(24, 8), out uint n, out _, 'X')
            && Assign(out timestamp, (long)ts, out sender, (int)s, out sequence, (int)n);
    }

    private static bool Assign(out long timestamp, long ts, out int sender, int s, out int sequence, int n)
    {
        timestamp = ts;
        sender = s;
        sequence = n;
        return true;
    }
}
