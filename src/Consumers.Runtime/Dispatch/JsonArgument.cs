using System.ComponentModel;
using System.Text.Json;

namespace Consumers.Dispatch;

/// <summary>
/// Readers of primitive action arguments, called by generated binders with the reader on the value token.
/// Each returns <see langword="false"/> when the token has the wrong JSON type or is out of range; the binder
/// then replies 400 naming the key. <c>null</c> tokens are handled by the binder before these are called.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonArgument
{
    /// <summary>Reads a JSON string.</summary>
    public static bool TryReadString(ref Utf8JsonReader reader, out string value)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            value = reader.GetString()!;
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>Reads <c>true</c> or <c>false</c>.</summary>
    public static bool TryReadBoolean(ref Utf8JsonReader reader, out bool value)
    {
        value = reader.TokenType == JsonTokenType.True;
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False;
    }

    /// <summary>Reads a JSON number as <see cref="int"/>.</summary>
    public static bool TryReadInt32(ref Utf8JsonReader reader, out int value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out value);
    }

    /// <summary>Reads a JSON number as <see cref="long"/>.</summary>
    public static bool TryReadInt64(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
    }

    /// <summary>Reads a JSON number as <see cref="short"/>.</summary>
    public static bool TryReadInt16(ref Utf8JsonReader reader, out short value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt16(out value);
    }

    /// <summary>Reads a JSON number as <see cref="byte"/>.</summary>
    public static bool TryReadByte(ref Utf8JsonReader reader, out byte value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetByte(out value);
    }

    /// <summary>Reads a JSON number as <see cref="sbyte"/>.</summary>
    public static bool TryReadSByte(ref Utf8JsonReader reader, out sbyte value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetSByte(out value);
    }

    /// <summary>Reads a JSON number as <see cref="ushort"/>.</summary>
    public static bool TryReadUInt16(ref Utf8JsonReader reader, out ushort value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetUInt16(out value);
    }

    /// <summary>Reads a JSON number as <see cref="uint"/>.</summary>
    public static bool TryReadUInt32(ref Utf8JsonReader reader, out uint value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetUInt32(out value);
    }

    /// <summary>Reads a JSON number as <see cref="ulong"/>.</summary>
    public static bool TryReadUInt64(ref Utf8JsonReader reader, out ulong value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out value);
    }

    /// <summary>Reads a JSON number as <see cref="double"/>.</summary>
    public static bool TryReadDouble(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out value);
    }

    /// <summary>Reads a JSON number as <see cref="float"/>.</summary>
    public static bool TryReadSingle(ref Utf8JsonReader reader, out float value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetSingle(out value) && float.IsFinite(value);
    }

    /// <summary>Reads a JSON number as <see cref="decimal"/>.</summary>
    public static bool TryReadDecimal(ref Utf8JsonReader reader, out decimal value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out value);
    }

    /// <summary>Reads a JSON string holding a UUID.</summary>
    public static bool TryReadGuid(ref Utf8JsonReader reader, out Guid value)
    {
        value = default;
        return reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out value);
    }

    /// <summary>Reads a JSON string holding an ISO 8601 date and time.</summary>
    public static bool TryReadDateTime(ref Utf8JsonReader reader, out DateTime value)
    {
        value = default;
        return reader.TokenType == JsonTokenType.String && reader.TryGetDateTime(out value);
    }

    /// <summary>Reads a JSON string holding an ISO 8601 date and time with offset.</summary>
    public static bool TryReadDateTimeOffset(ref Utf8JsonReader reader, out DateTimeOffset value)
    {
        value = default;
        return reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out value);
    }

    /// <summary>Reads any JSON value as a detached <see cref="JsonElement"/>.</summary>
    public static bool TryReadJsonElement(ref Utf8JsonReader reader, out JsonElement value)
    {
        value = JsonElement.ParseValue(ref reader);
        return true;
    }
}
