using System.Buffers;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// The top-level elements of a JSON array (<c>[{...},{...}]</c>) as ranges of the input, found in one pass that tracks
/// strings, escapes and nesting depth; nothing is parsed further. The load client uses it to split a batched frame
/// into its envelopes without the cost of a full JSON reader.
/// </summary>
internal ref struct JsonArrayElements
{
    private static readonly SearchValues<byte> StringSpecial = SearchValues.Create("\"\\"u8);

    private readonly ReadOnlySpan<byte> _json;
    private int _position;

    /// <param name="json">UTF-8 JSON starting with <c>[</c> (no leading whitespace).</param>
    /// <exception cref="FormatException">The input does not start with <c>[</c>.</exception>
    public JsonArrayElements(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty || json[0] != (byte)'[')
        {
            throw new FormatException("A batched frame must be a JSON array.");
        }

        _json = json;
        _position = 1;
        Current = default;
    }

    public Range Current { get; private set; }

    public readonly JsonArrayElements GetEnumerator() => this;

    /// <summary>Moves to the next element.</summary>
    /// <exception cref="FormatException">The array or an element is not terminated.</exception>
    public bool MoveNext()
    {
        var json = _json;
        var i = _position;
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',')
        {
            i++;
        }

        if (i >= json.Length)
        {
            throw new FormatException("The JSON array is not terminated.");
        }

        if (json[i] == (byte)']')
        {
            _position = json.Length;
            return false;
        }

        var start = i;
        var depth = 0;
        while (i < json.Length)
        {
            // Outside strings the next structural byte is a few bytes away (a byte loop is cheapest); inside them,
            // where the bodies are, EndOfString skips with a vectorized search.
            switch (json[i])
            {
                case (byte)'"':
                    i = EndOfString(json, i + 1);
                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                case (byte)'}' or (byte)']' when depth == 0:
                    // The array's own end right after a scalar element.
                    Current = start..i;
                    _position = i;
                    return true;
                case (byte)'}' or (byte)']':
                    if (--depth == 0)
                    {
                        Current = start..(i + 1);
                        _position = i + 1;
                        return true;
                    }

                    break;
                case (byte)',' when depth == 0:
                    Current = start..i;
                    _position = i;
                    return true;
            }

            i++;
        }

        throw new FormatException("The JSON array is not terminated.");
    }

    // The index of the quote that ends the string whose content starts at <paramref name="from"/>.
    private static int EndOfString(ReadOnlySpan<byte> json, int from)
    {
        var i = from;
        while (true)
        {
            var next = json[i..].IndexOfAny(StringSpecial);
            if (next < 0)
            {
                throw new FormatException("The JSON array is not terminated.");
            }

            i += next;
            if (json[i] == (byte)'"')
            {
                return i;
            }

            // A backslash escapes the next byte (\", \\, \n, \uXXXX's first letter).
            i += 2;
            if (i > json.Length)
            {
                throw new FormatException("The JSON array is not terminated.");
            }
        }
    }
}
