using System.Buffers;
using System.Text;

namespace Consumers.Groups.Nats.Client;

/// <summary>
/// Incremental parser of the server→client NATS protocol (INFO, MSG, HMSG, PING, PONG, +OK, -ERR), modelled on
/// nats.net's NatsReadProtocolProcessor. It never consumes a partial operation, so it can be fed any split of the
/// byte stream. Anything malformed (unknown op, bad field count, bad size, missing CRLF after a body) throws
/// <see cref="NatsProtocolException"/>: the stream can no longer be framed and the connection must be dropped.
/// Not thread-safe: one instance per socket.
/// </summary>
internal sealed class NatsProtocolParser
{
    /// <summary>Longest control line accepted. The server's own limit is 4096, but INFO with many
    /// <c>connect_urls</c> can be longer, so allow headroom.</summary>
    public const int MaxControlLine = 64 * 1024;

    /// <summary>Largest MSG/HMSG body accepted, as in nats.net: larger sizes are treated as a corrupt stream.</summary>
    public const int MaxBodySize = 64 * 1024 * 1024;

    private const int MaxFields = 6;

    private byte[] _scratch = new byte[512];

    /// <summary>
    /// Parses one operation from the front of <paramref name="buffer"/>. On success the buffer is sliced past it;
    /// when the operation is incomplete, returns false and leaves the buffer untouched.
    /// </summary>
    /// <exception cref="NatsProtocolException">The bytes are not valid protocol.</exception>
    public bool TryParse(ref ReadOnlySequence<byte> buffer, out NatsServerOp op)
    {
        op = default;
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            if (buffer.Length > MaxControlLine)
            {
                throw new NatsProtocolException($"Control line longer than {MaxControlLine} bytes without a line break.");
            }

            return false;
        }

        var lineSequence = buffer.Slice(0, newline.Value);
        if (lineSequence.Length > MaxControlLine)
        {
            throw new NatsProtocolException($"Control line longer than {MaxControlLine} bytes.");
        }

        var afterLine = buffer.Slice(buffer.GetPosition(1, newline.Value));
        var line = Contiguous(lineSequence);
        if (!line.IsEmpty && line.Span[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        var span = line.Span;
        var opEnd = span.IndexOfAny((byte)' ', (byte)'\t');
        var name = opEnd < 0 ? span : span[..opEnd];
        var args = opEnd < 0 ? ReadOnlyMemory<byte>.Empty : line[(opEnd + 1)..];

        if (Ascii.EqualsIgnoreCase(name, "MSG"u8))
        {
            return TryParseMsg(args, afterLine, headers: false, ref buffer, out op);
        }

        if (Ascii.EqualsIgnoreCase(name, "HMSG"u8))
        {
            return TryParseMsg(args, afterLine, headers: true, ref buffer, out op);
        }

        NatsServerOpKind kind;
        if (Ascii.EqualsIgnoreCase(name, "PING"u8))
        {
            kind = NatsServerOpKind.Ping;
        }
        else if (Ascii.EqualsIgnoreCase(name, "PONG"u8))
        {
            kind = NatsServerOpKind.Pong;
        }
        else if (Ascii.EqualsIgnoreCase(name, "+OK"u8))
        {
            kind = NatsServerOpKind.Ok;
        }
        else if (Ascii.EqualsIgnoreCase(name, "INFO"u8))
        {
            var json = Trim(args);
            if (json.IsEmpty)
            {
                throw new NatsProtocolException("INFO without a JSON body.");
            }

            op = new NatsServerOp { Kind = NatsServerOpKind.Info, Text = json };
            buffer = afterLine;
            return true;
        }
        else if (Ascii.EqualsIgnoreCase(name, "-ERR"u8))
        {
            op = new NatsServerOp { Kind = NatsServerOpKind.Err, Text = Trim(args) };
            buffer = afterLine;
            return true;
        }
        else
        {
            throw new NatsProtocolException($"Unknown protocol operation '{Printable(span)}'.");
        }

        if (!Trim(args).IsEmpty)
        {
            throw new NatsProtocolException($"Unexpected arguments after {kind}: '{Printable(span)}'.");
        }

        op = new NatsServerOp { Kind = kind };
        buffer = afterLine;
        return true;
    }

    private static bool TryParseMsg(ReadOnlyMemory<byte> args, ReadOnlySequence<byte> afterLine, bool headers, ref ReadOnlySequence<byte> buffer, out NatsServerOp op)
    {
        op = default;
        Span<Range> fields = stackalloc Range[MaxFields + 1];
        var count = Split(args.Span, fields);
        var opName = headers ? "HMSG" : "MSG";

        // MSG: subject sid [reply] size; HMSG: subject sid [reply] hdr_size total_size.
        var minFields = headers ? 4 : 3;
        if (count < minFields || count > minFields + 1)
        {
            throw new NatsProtocolException($"{opName} with {count} arguments: '{Printable(args.Span)}'.");
        }

        var hasReply = count == minFields + 1;
        var sid = ParseNumber(args.Span[fields[1]], long.MaxValue, "sid", opName);
        var total = (int)ParseNumber(args.Span[fields[count - 1]], MaxBodySize, "size", opName);
        var headerSize = 0;
        if (headers)
        {
            headerSize = (int)ParseNumber(args.Span[fields[count - 2]], MaxBodySize, "header size", opName);
            if (headerSize > total)
            {
                throw new NatsProtocolException($"HMSG header size {headerSize} exceeds total size {total}.");
            }
        }

        if (afterLine.Length < total + 2L)
        {
            return false;
        }

        var body = afterLine.Slice(0, total);
        var terminator = afterLine.Slice(total, 2);
        Span<byte> crlf = stackalloc byte[2];
        terminator.CopyTo(crlf);
        if (crlf[0] != (byte)'\r' || crlf[1] != (byte)'\n')
        {
            throw new NatsProtocolException($"{opName} body of {total} bytes is not followed by CRLF: the size does not match the payload.");
        }

        op = new NatsServerOp
        {
            Kind = headers ? NatsServerOpKind.HMsg : NatsServerOpKind.Msg,
            Subject = args[fields[0]],
            Sid = sid,
            ReplyTo = hasReply ? args[fields[2]] : ReadOnlyMemory<byte>.Empty,
            Headers = headers ? body.Slice(0, headerSize) : ReadOnlySequence<byte>.Empty,
            Payload = headers ? body.Slice(headerSize) : body,
        };
        buffer = afterLine.Slice(total + 2);
        return true;
    }

    /// <summary>Splits on runs of spaces or tabs; returns the field count (capped one above the array to flag excess).</summary>
    private static int Split(ReadOnlySpan<byte> span, Span<Range> fields)
    {
        var count = 0;
        var i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && (span[i] == (byte)' ' || span[i] == (byte)'\t'))
            {
                i++;
            }

            if (i == span.Length)
            {
                break;
            }

            var start = i;
            while (i < span.Length && span[i] != (byte)' ' && span[i] != (byte)'\t')
            {
                i++;
            }

            if (count == fields.Length)
            {
                return count + 1;
            }

            fields[count++] = new Range(start, i);
        }

        return count;
    }

    private static long ParseNumber(ReadOnlySpan<byte> digits, long max, string what, string opName)
    {
        if (digits.IsEmpty || digits.Length > 19)
        {
            throw new NatsProtocolException($"{opName} has an invalid {what} '{Printable(digits)}'.");
        }

        long value = 0;
        foreach (var b in digits)
        {
            var d = b - (byte)'0';
            if ((uint)d > 9)
            {
                throw new NatsProtocolException($"{opName} has an invalid {what} '{Printable(digits)}'.");
            }

            value = (value * 10) + d;
            if (value > max || value < 0)
            {
                throw new NatsProtocolException($"{opName} {what} '{Printable(digits)}' exceeds the limit of {max}.");
            }
        }

        return value;
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> memory)
    {
        var span = memory.Span;
        var start = 0;
        while (start < span.Length && (span[start] == (byte)' ' || span[start] == (byte)'\t'))
        {
            start++;
        }

        var end = span.Length;
        while (end > start && (span[end - 1] == (byte)' ' || span[end - 1] == (byte)'\t' || span[end - 1] == (byte)'\r'))
        {
            end--;
        }

        return memory[start..end];
    }

    private ReadOnlyMemory<byte> Contiguous(in ReadOnlySequence<byte> sequence)
    {
        if (sequence.IsSingleSegment)
        {
            return sequence.First;
        }

        var length = (int)sequence.Length;
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }

        sequence.CopyTo(_scratch);
        return _scratch.AsMemory(0, length);
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes.Length > 128 ? bytes[..128] : bytes);
        return text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }
}
