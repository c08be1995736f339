using System.Text.Json;

namespace Consumers.Protocol;

/// <summary>
/// Writes DCRF's reply envelope, always the same five keys in DCRF's order:
/// <c>{"errors": [...], "data": ..., "action": "...", "response_status": 200, "request_id": ...}</c>.
/// The <c>action</c> and <c>request_id</c> are echoed as the raw JSON tokens of the request, so they keep
/// their JSON type and need no allocation.
/// </summary>
internal static class Envelope
{
    /// <summary>Writes the start of the envelope up to the <c>data</c> property name; the caller writes the data value.</summary>
    public static void WriteHead(Utf8JsonWriter writer, ActionErrors errors)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("errors"u8);
        errors.WriteTo(writer);
        writer.WritePropertyName("data"u8);
    }

    /// <summary>Writes the keys after <c>data</c> and closes the envelope.</summary>
    /// <param name="writer">The writer, positioned after the data value.</param>
    /// <param name="actionToken">The request's raw <c>action</c> token, or empty for <c>null</c>.</param>
    /// <param name="status">The <c>response_status</c>.</param>
    /// <param name="requestIdToken">The request's raw <c>request_id</c> value, or empty for <c>null</c>.</param>
    public static void WriteTail(Utf8JsonWriter writer, ReadOnlySpan<byte> actionToken, int status, ReadOnlySpan<byte> requestIdToken)
    {
        writer.WritePropertyName("action"u8);
        WriteRawOrNull(writer, actionToken);
        writer.WriteNumber("response_status"u8, status);
        writer.WritePropertyName("request_id"u8);
        WriteRawOrNull(writer, requestIdToken);
        writer.WriteEndObject();
    }

    /// <summary>Writes a complete envelope without data.</summary>
    public static void WriteWithoutData(Utf8JsonWriter writer, ReadOnlySpan<byte> actionToken, int status, ActionErrors errors, ReadOnlySpan<byte> requestIdToken)
    {
        WriteHead(writer, errors);
        writer.WriteNullValue();
        WriteTail(writer, actionToken, status, requestIdToken);
    }

    private static void WriteRawOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> token)
    {
        if (token.IsEmpty)
        {
            writer.WriteNullValue();
        }
        else
        {
            // Already validated by RequestParser.
            writer.WriteRawValue(token, skipInputValidation: true);
        }
    }
}
