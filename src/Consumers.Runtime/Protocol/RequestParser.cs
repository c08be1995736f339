using System.Text.Json;

namespace Consumers.Protocol;

/// <summary>
/// Validates a request payload (one JSON object, nothing after it, every escape a valid character, a
/// <c>request_id</c> of at most <see cref="ProtocolErrors.MaxRequestIdBytes"/>) and locates its <c>action</c> and
/// <c>request_id</c>. Every byte is read once here, so the generated binders only see well-formed JSON.
/// </summary>
internal static class RequestParser
{
    public static RequestHeader Parse(ReadOnlySpan<byte> payload, JsonReaderOptions options)
    {
        var header = default(RequestHeader);
        var reader = new Utf8JsonReader(payload, options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                // Read the rest so that malformed input is reported as such rather than as "not an object".
                while (reader.Read())
                {
                }

                header.Status = RequestParseStatus.NotAnObject;
                header.Error = "Expected a JSON object.";
                return header;
            }

            var actionIsString = true;
            var sawAction = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!JsonEscapes.AreValid(ref reader))
                {
                    return InvalidEscape(ref reader);
                }

                if (reader.ValueTextEquals("action"u8))
                {
                    reader.Read();
                    sawAction = true;
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        if (!JsonEscapes.AreValid(ref reader))
                        {
                            return InvalidEscape(ref reader);
                        }

                        actionIsString = true;
                        header.ActionStart = (int)reader.TokenStartIndex;
                        header.ActionLength = reader.ValueSpan.Length + 2;
                        header.ActionEscaped = reader.ValueIsEscaped;
                    }
                    else
                    {
                        actionIsString = reader.TokenType == JsonTokenType.Null;
                        sawAction = reader.TokenType != JsonTokenType.Null;
                        if (!JsonEscapes.SkipValidating(ref reader))
                        {
                            return InvalidEscape(ref reader);
                        }
                    }
                }
                else if (reader.ValueTextEquals("request_id"u8))
                {
                    reader.Read();
                    header.RequestIdStart = (int)reader.TokenStartIndex;
                    if (!JsonEscapes.SkipValidating(ref reader))
                    {
                        return InvalidEscape(ref reader);
                    }

                    header.RequestIdLength = (int)reader.BytesConsumed - header.RequestIdStart;
                }
                else
                {
                    reader.Read();
                    if (!JsonEscapes.SkipValidating(ref reader))
                    {
                        return InvalidEscape(ref reader);
                    }
                }
            }

            // Trailing content after the object is malformed input; Read throws on it.
            while (reader.Read())
            {
            }

            if (header.RequestIdLength > ProtocolErrors.MaxRequestIdBytes)
            {
                // Checked after the whole payload is read: malformed input stays a malformed-JSON error.
                header.Status = RequestParseStatus.RequestIdTooLong;
                header.Error = ProtocolErrors.RequestIdTooLong;
            }
            else if (!sawAction)
            {
                header.Status = RequestParseStatus.ActionMissing;
            }
            else if (!actionIsString)
            {
                header.Status = RequestParseStatus.ActionNotAString;
            }

            return header;
        }
        catch (JsonException ex)
        {
            header = default;
            header.Status = RequestParseStatus.Malformed;
            header.Error = $"Malformed JSON at byte {ex.BytePositionInLine ?? reader.BytesConsumed}.";
            return header;
        }
    }

    private static RequestHeader InvalidEscape(ref Utf8JsonReader reader) => new()
    {
        Status = RequestParseStatus.Malformed,
        Error = ProtocolErrors.InvalidEscape(reader.TokenStartIndex),
    };
}
