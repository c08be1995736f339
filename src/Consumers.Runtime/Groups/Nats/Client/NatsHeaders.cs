using System.Buffers;
using System.Collections;
using System.Text;

namespace Consumers.Groups.Nats.Client;

/// <summary>
/// NATS message headers (<c>NATS/1.0</c> block): ordered, names keep their case and may repeat, lookups are
/// case-insensitive. Server-generated messages carry a status line, e.g. <c>NATS/1.0 503</c> for "no responders".
/// </summary>
internal sealed class NatsHeaders : IEnumerable<KeyValuePair<string, string>>
{
    private static ReadOnlySpan<byte> Version => "NATS/1.0"u8;

    private readonly List<KeyValuePair<string, string>> _entries = new();

    /// <summary>Status code from the status line (e.g. 503), or 0 when there is none.</summary>
    public int StatusCode { get; set; }

    /// <summary>Text after the status code, e.g. <c>No Responders</c>; empty when absent.</summary>
    public string StatusDescription { get; set; } = string.Empty;

    public int Count => _entries.Count;

    /// <summary>First value of <paramref name="name"/>, or null.</summary>
    public string? this[string name] => TryGetValue(name, out var value) ? value : null;

    /// <summary>Appends a header; a repeated name keeps both values.</summary>
    /// <exception cref="ArgumentException">The name is empty or has whitespace/':', or the value has CR/LF.</exception>
    public void Add(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.Length == 0)
        {
            throw new ArgumentException("A NATS header name must not be empty.", nameof(name));
        }

        foreach (var c in name)
        {
            if (c == ':' || c <= ' ' || c > '~')
            {
                throw new ArgumentException($"Invalid NATS header name '{name}': printable ASCII without ':' or whitespace is required.", nameof(name));
            }
        }

        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"The value of NATS header '{name}' must not contain CR or LF.", nameof(value));
        }

        _entries.Add(new KeyValuePair<string, string>(name, value));
    }

    public bool TryGetValue(string name, out string value)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = entry.Value;
                return true;
            }
        }

        value = string.Empty;
        return false;
    }

    public IReadOnlyList<string> GetValues(string name)
    {
        var values = new List<string>();
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                values.Add(entry.Value);
            }
        }

        return values;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Size of the encoded block including the version line and the terminating blank line.</summary>
    public int GetEncodedLength()
    {
        var length = Version.Length + 2;
        if (StatusCode != 0)
        {
            length += 4 + (StatusDescription.Length > 0 ? 1 + Encoding.UTF8.GetByteCount(StatusDescription) : 0);
        }

        foreach (var entry in _entries)
        {
            length += Encoding.UTF8.GetByteCount(entry.Key) + 2 + Encoding.UTF8.GetByteCount(entry.Value) + 2;
        }

        return length + 2;
    }

    /// <summary>Writes the block; returns the bytes written (equal to <see cref="GetEncodedLength"/>).</summary>
    public int WriteTo(Span<byte> destination)
    {
        var written = 0;
        Version.CopyTo(destination);
        written += Version.Length;
        if (StatusCode != 0)
        {
            destination[written++] = (byte)' ';
            StatusCode.TryFormat(destination[written..], out var n, "000", null);
            written += n;
            if (StatusDescription.Length > 0)
            {
                destination[written++] = (byte)' ';
                written += Encoding.UTF8.GetBytes(StatusDescription, destination[written..]);
            }
        }

        written = WriteCrLf(destination, written);
        foreach (var entry in _entries)
        {
            written += Encoding.UTF8.GetBytes(entry.Key, destination[written..]);
            destination[written++] = (byte)':';
            destination[written++] = (byte)' ';
            written += Encoding.UTF8.GetBytes(entry.Value, destination[written..]);
            written = WriteCrLf(destination, written);
        }

        return WriteCrLf(destination, written);
    }

    /// <summary>Parses a header block as carried by HMSG.</summary>
    /// <exception cref="NatsProtocolException">The block is not a <c>NATS/1.0</c> block.</exception>
    public static NatsHeaders Parse(in ReadOnlySequence<byte> block)
    {
        if (block.IsSingleSegment)
        {
            return Parse(block.FirstSpan);
        }

        var copy = ArrayPool<byte>.Shared.Rent((int)block.Length);
        try
        {
            block.CopyTo(copy);
            return Parse(copy.AsSpan(0, (int)block.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    public static NatsHeaders Parse(ReadOnlySpan<byte> block)
    {
        var headers = new NatsHeaders();
        var lineEnd = block.IndexOf("\r\n"u8);
        if (lineEnd < 0 || !block.StartsWith(Version))
        {
            throw new NatsProtocolException("Header block does not start with a 'NATS/1.0' line.");
        }

        var status = block[Version.Length..lineEnd].Trim(" \t"u8);
        if (!status.IsEmpty)
        {
            var space = status.IndexOfAny((byte)' ', (byte)'\t');
            var code = space < 0 ? status : status[..space];
            if (code.Length != 3 || !int.TryParse(code, out var statusCode))
            {
                throw new NatsProtocolException($"Header block has an invalid status line '{Encoding.UTF8.GetString(status)}'.");
            }

            headers.StatusCode = statusCode;
            if (space >= 0)
            {
                headers.StatusDescription = Encoding.UTF8.GetString(status[(space + 1)..].Trim(" \t"u8));
            }
        }

        var rest = block[(lineEnd + 2)..];
        while (true)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                // Tolerated: some producers omit the terminating blank line when there is no payload.
                if (rest.Trim(" \t"u8).IsEmpty)
                {
                    break;
                }

                throw new NatsProtocolException("Header block line is not terminated by CRLF.");
            }

            if (lineEnd == 0)
            {
                break;
            }

            var line = rest[..lineEnd];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw new NatsProtocolException($"Header line '{Encoding.UTF8.GetString(line)}' has no name.");
            }

            headers._entries.Add(new KeyValuePair<string, string>(
                Encoding.UTF8.GetString(line[..colon]),
                Encoding.UTF8.GetString(line[(colon + 1)..].Trim(" \t"u8))));
            rest = rest[(lineEnd + 2)..];
        }

        return headers;
    }

    private static int WriteCrLf(Span<byte> destination, int offset)
    {
        destination[offset] = (byte)'\r';
        destination[offset + 1] = (byte)'\n';
        return offset + 2;
    }
}
