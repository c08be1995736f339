using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Consumers.Clients;

/// <summary>
/// A resumable client's position vector (docs/protocol.md, "Recovery on another node"): per (stream, group, sending
/// node) the last sequence number of a group message whose frames all arrived, read from the server's <c>$origin</c>
/// frames, and when the last frame arrived; presented on a reconnect so that another node replays exactly what was
/// missed. Not thread-safe: the client's receive loop owns it (the reconnect reads it between sockets).
/// </summary>
internal sealed class ClientPositions
{
    private readonly Dictionary<(string Stream, string Group, string Node), long> _positions = [];
    private ((string, string, string) Key, long Seq, int Left)? _origin;
    private long _lastReceived = Environment.TickCount64;

    /// <summary>How many positions are kept.</summary>
    public int Count => _positions.Count;

    /// <summary>
    /// Takes one frame of the session (an array's elements one by one): an <c>$origin</c> frame starts the count of its
    /// frames and is not the app's (true); any other frame counts toward the pending one.
    /// </summary>
    public bool TakeOrigin(JsonElement frame)
    {
        _lastReceived = Environment.TickCount64;
        if (frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty("action", out var action)
            && action.ValueKind == JsonValueKind.String && action.ValueEquals("$origin"))
        {
            if (frame.TryGetProperty("group", out var group) && group.ValueKind == JsonValueKind.String
                && frame.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.String
                && frame.TryGetProperty("seq", out var seq) && seq.TryGetInt64(out var number)
                && frame.TryGetProperty("frames", out var frames) && frames.TryGetInt32(out var count))
            {
                var stream = frame.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
                _origin = ((stream, group.GetString()!, node.GetString()!), number, count);
                if (count <= 0)
                {
                    Keep();
                }
            }

            return true;
        }

        if (_origin is { } origin)
        {
            if (origin.Left <= 1)
            {
                Keep();
            }
            else
            {
                _origin = origin with { Left = origin.Left - 1 };
            }
        }

        return false;
    }

    /// <summary>A new socket's session: a fresh one starts a new vector; a resumed or recovered one goes on.</summary>
    public void Session(bool fresh)
    {
        _origin = null;
        if (fresh)
        {
            _positions.Clear();
        }
    }

    /// <summary>The reconnect's query parameters: <c>&amp;consumers_pos=…&amp;consumers_age=…</c>.</summary>
    public string Query()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(64 + (_positions.Count * 48));
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartArray();
            foreach (var ((stream, group, node), seq) in _positions)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(group);
                writer.WriteStringValue(node);
                writer.WriteNumberValue(seq);
                if (stream.Length > 0)
                {
                    writer.WriteStringValue(stream);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        var age = Math.Max(0, Environment.TickCount64 - _lastReceived);
        return "&consumers_pos=" + Uri.EscapeDataString(Encoding.UTF8.GetString(output.WrittenSpan)) + "&consumers_age=" + age.ToString(CultureInfo.InvariantCulture);
    }

    private void Keep()
    {
        var (key, seq, _) = _origin!.Value;
        _origin = null;
        if (!_positions.TryGetValue(key, out var last) || last < seq)
        {
            _positions[key] = seq;
        }
    }
}
