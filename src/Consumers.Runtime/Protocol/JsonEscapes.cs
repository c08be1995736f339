using System.Buffers;
using System.Text.Json;

namespace Consumers.Protocol;

/// <summary>
/// Finds escapes that are valid JSON syntax but no text: a lone UTF-16 surrogate such as <c>"\ud800"</c>.
/// <see cref="Utf8JsonReader"/> accepts them while reading and throws only when the string is read, deep inside a
/// binder or an action; the request parsers reject them up front so that they get a 400, never a 500.
/// </summary>
internal static class JsonEscapes
{
    private const int StackLimit = 256;

    /// <summary>Whether the reader's current string or property name unescapes to valid text.</summary>
    public static bool AreValid(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return true;
        }

        // Unescaped text is never longer than its escaped form.
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            reader.CopyString(buffer);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Skips the value the reader is on (as <see cref="Utf8JsonReader.Skip"/>), checking the escapes of every string
    /// and property name inside it.
    /// </summary>
    /// <returns><see langword="false"/> at the first invalid escape; the reader is then inside the value.</returns>
    public static bool SkipValidating(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return reader.TokenType != JsonTokenType.String || AreValid(ref reader);
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !AreValid(ref reader))
            {
                return false;
            }
        }

        return true;
    }
}
