using System.Text.Json;

namespace Consumers.Protocol;

/// <summary>
/// The control frames of the <c>consumers.resume</c> subprotocol (docs/protocol.md, "Resumable connections"): the
/// server's <c>$resume</c> frame, first on every socket of the subprotocol, and the client's <c>$ack</c>. Both are bare
/// objects on every endpoint and neither is counted.
/// </summary>
internal static class ResumeFrames
{
    /// <summary>The WebSocket subprotocol a client offers to get resumable connections.</summary>
    public const string Subprotocol = "consumers.resume";

    /// <summary>The query parameter of a reconnect that carries the token of the <c>$resume</c> frame.</summary>
    public const string TokenParameter = "consumers_resume";

    /// <summary>The query parameter of a reconnect that carries the number of the last frame the client received.</summary>
    public const string SeqParameter = "consumers_seq";

    /// <summary>The <c>action</c> token of the client's acknowledgement, with its quotes (for error envelopes).</summary>
    public static ReadOnlySpan<byte> AckActionToken => "\"$ack\""u8;

    /// <summary>The 400 text of an <c>$ack</c> without a usable <c>seq</c>.</summary>
    /// <param name="last">The number of the last frame sent.</param>
    public static string BadAck(long last) => $"$ack needs the seq of the last frame received: an integer from 0 to {last}.";

    /// <summary>
    /// <c>{"action": "$resume", "resume": <paramref name="outcome"/>, "token": <paramref name="token"/>, "seq": <paramref name="seq"/>, "received": <paramref name="received"/>}</c>.
    /// </summary>
    /// <param name="outcome"><c>fresh</c>, <c>resumed</c> or <c>recovered</c>.</param>
    /// <param name="token">The token the client presents to come back.</param>
    /// <param name="seq">Where the count of frames stands: the frames that follow are numbered from <paramref name="seq"/> + 1.</param>
    /// <param name="received">The client's frames the server has read in this session (its <c>$ack</c>s not counted).</param>
    public static byte[] Resume(string outcome, string token, long seq, long received)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(128 + token.Length);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("action"u8, "$resume"u8);
            writer.WriteString("resume"u8, outcome);
            writer.WriteString("token"u8, token);
            writer.WriteNumber("seq"u8, seq);
            writer.WriteNumber("received"u8, received);
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Whether <paramref name="message"/> is an <c>$ack</c> (an object whose <c>action</c> is the string <c>$ack</c>),
    /// and its <c>seq</c> when that is an integer (else -1). Cheap for any other message: one search for <c>$ack</c>.
    /// </summary>
    public static bool IsAck(ReadOnlySpan<byte> message, out long seq)
    {
        seq = -1;
        if (message.IndexOf("\"$ack\""u8) < 0)
        {
            return false;
        }

        var isAck = false;
        long value = -1;
        try
        {
            var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("action"u8))
                {
                    reader.Read();
                    isAck = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("$ack"u8);
                }
                else if (reader.ValueTextEquals("seq"u8))
                {
                    reader.Read();
                    value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) ? number : -1;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not well-formed: not an $ack; the message goes its usual way and is answered there.
            return false;
        }

        seq = value;
        return isAck;
    }
}
