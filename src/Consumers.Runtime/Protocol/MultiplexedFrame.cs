using System.Text.Json;

namespace Consumers.Protocol;

/// <summary>
/// Reads the <c>channelsmultiplexer</c> wrapper <c>{"stream": "name", "payload": {...}}</c>: where the stream
/// name and the payload object sit in the frame. The payload itself is checked by <see cref="RequestParser"/>; a stream
/// name or key with an escape that is no text (<c>"\ud800"</c>) makes the frame malformed.
/// </summary>
internal struct MultiplexedFrame
{
    public RequestParseStatus Status;
    public string? Error;
    public int StreamStart;
    public int StreamLength;
    public bool StreamEscaped;
    public int PayloadStart;
    public int PayloadLength;

    public static MultiplexedFrame Parse(ReadOnlySpan<byte> frame, JsonReaderOptions options)
    {
        var result = default(MultiplexedFrame);
        var reader = new Utf8JsonReader(frame, options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                while (reader.Read())
                {
                }

                result.Status = RequestParseStatus.NotAnObject;
                result.Error = "Expected a JSON object.";
                return result;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!JsonEscapes.AreValid(ref reader))
                {
                    return InvalidEscape(ref reader);
                }

                if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        if (!JsonEscapes.AreValid(ref reader))
                        {
                            return InvalidEscape(ref reader);
                        }

                        result.StreamStart = (int)reader.TokenStartIndex + 1;
                        result.StreamLength = reader.ValueSpan.Length;
                        result.StreamEscaped = reader.ValueIsEscaped;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("payload"u8))
                {
                    reader.Read();
                    result.PayloadStart = (int)reader.TokenStartIndex;
                    var isObject = reader.TokenType == JsonTokenType.StartObject;
                    reader.Skip();
                    result.PayloadLength = isObject ? (int)reader.BytesConsumed - result.PayloadStart : -1;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            while (reader.Read())
            {
            }

            if (result.StreamLength == 0)
            {
                result.Status = RequestParseStatus.Malformed;
                result.Error = "A multiplexed frame needs a \"stream\" string and a \"payload\" object.";
            }
            else if (result.PayloadLength <= 0)
            {
                result.Status = RequestParseStatus.NotAnObject;
                result.Error = "A multiplexed frame needs a \"payload\" object.";
            }

            return result;
        }
        catch (JsonException ex)
        {
            result = default;
            result.Status = RequestParseStatus.Malformed;
            result.Error = $"Malformed JSON at byte {ex.BytePositionInLine ?? reader.BytesConsumed}.";
            return result;
        }
    }

    // No stream is reported: its name cannot be read back for the reply's wrapper.
    private static MultiplexedFrame InvalidEscape(ref Utf8JsonReader reader) => new()
    {
        Status = RequestParseStatus.Malformed,
        Error = ProtocolErrors.InvalidEscape(reader.TokenStartIndex),
    };
}
