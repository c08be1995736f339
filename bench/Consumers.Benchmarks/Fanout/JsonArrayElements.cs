namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// The top-level elements of a JSON array (<c>[{...},{...}]</c>) as ranges of the input, found in one pass that tracks
/// strings, escapes and nesting depth; nothing is parsed further. The load client uses it to split a batched frame
/// into its envelopes without the cost of a full JSON reader.
/// </summary>
internal ref struct JsonArrayElements
{
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
        var inString = false;
        for (; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    inString = true;
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
        }

        throw new FormatException("The JSON array is not terminated.");
    }
}
