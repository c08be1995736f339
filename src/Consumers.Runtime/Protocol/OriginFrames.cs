using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Consumers.Protocol;

/// <summary>
/// The frames and parameters of recovery on another node, within the <c>consumers.resume</c> subprotocol
/// (docs/protocol.md, "Recovery on another node"): the server's <c>$origin</c> frame, written right before the frames
/// a group message became, and the client's position vector, presented when it comes back.
/// </summary>
internal static class OriginFrames
{
    /// <summary>The query parameter of a reconnect that carries the client's positions (a JSON array, URL-encoded).</summary>
    public const string PositionsParameter = "consumers_pos";

    /// <summary>The query parameter of a reconnect that says how long ago (milliseconds) the old socket last received a frame.</summary>
    public const string AgeParameter = "consumers_age";

    /// <summary>Positions a client may present at most.</summary>
    public const int MaxPositions = 4096;

    /// <summary>
    /// <c>{"action":"$origin","group":…,"node":…,"seq":…,"frames":…}</c>, with <c>"stream":…</c> on a multiplexed
    /// endpoint: the next <paramref name="frames"/> frames (0: those written before it, by a handler) are what the
    /// group message (<paramref name="group"/>, <paramref name="node"/>, <paramref name="seq"/>) became for this client.
    /// </summary>
    public static byte[] Origin(string group, string node, long seq, int frames, string? stream)
    {
        var output = new ArrayBufferWriter<byte>(96 + group.Length);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("action"u8, "$origin"u8);
            if (stream is not null)
            {
                writer.WriteString("stream"u8, stream);
            }

            writer.WriteString("group"u8, group);
            writer.WriteString("node"u8, node);
            writer.WriteNumber("seq"u8, seq);
            writer.WriteNumber("frames"u8, frames);
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a position vector: <c>[[group, node, seq], …]</c>, each entry optionally with a fourth element, the stream
    /// of a multiplexed endpoint. Null, with <paramref name="error"/>, when it is not that shape, has more than
    /// <see cref="MaxPositions"/> entries, or a seq that is not a positive integer.
    /// </summary>
    /// <param name="text">The parameter's (URL-decoded) value.</param>
    /// <param name="error">Why it was refused.</param>
    /// <returns>(stream or "", group) → node → last seq received.</returns>
    public static Dictionary<(string Stream, string Group), Dictionary<string, long>>? ReadPositions(string text, out string? error)
    {
        error = null;
        var positions = new Dictionary<(string, string), Dictionary<string, long>>();
        if (text.Length == 0)
        {
            return positions;
        }

        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                error = "the positions are not a JSON array";
                return null;
            }

            var count = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (++count > MaxPositions)
                {
                    error = $"more than {MaxPositions} positions";
                    return null;
                }

                if (reader.TokenType != JsonTokenType.StartArray
                    || !ReadString(ref reader, out var group) || !ReadString(ref reader, out var node)
                    || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var seq) || seq < 1
                    || !reader.Read())
                {
                    error = "a position is not [group, node, seq(, stream)] with a seq of at least 1";
                    return null;
                }

                var stream = "";
                if (reader.TokenType == JsonTokenType.String)
                {
                    stream = reader.GetString()!;
                    reader.Read();
                }

                if (reader.TokenType != JsonTokenType.EndArray)
                {
                    error = "a position has more than four elements";
                    return null;
                }

                if (!positions.TryGetValue((stream, group), out var nodes))
                {
                    positions[(stream, group)] = nodes = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                nodes[node] = Math.Max(seq, nodes.GetValueOrDefault(node));
            }

            if (reader.Read())
            {
                error = "text follows the positions";
                return null;
            }
        }
        catch (JsonException ex)
        {
            error = "the positions are not valid JSON (" + ex.Message + ")";
            return null;
        }

        return positions;
    }

    /// <summary>Reads <see cref="AgeParameter"/>: milliseconds, 0 to a day; null when missing or not that.</summary>
    public static long? ReadAge(string text)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var age) && age <= 86_400_000 ? age : null;

    private static bool ReadString(ref Utf8JsonReader reader, out string value)
    {
        value = "";
        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        value = reader.GetString()!;
        return value.Length > 0;
    }
}
