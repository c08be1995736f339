using System.Buffers;
using System.Text.Json;

namespace Consumers.Benchmarks.Dispatch;

/// <summary>
/// The floor: what one request costs with nothing generic in the way. A <see cref="Utf8JsonReader"/> pass over the
/// request, a <c>switch</c> on the action, the call, and the same DCRF reply envelope written by a reused
/// <see cref="Utf8JsonWriter"/> into a pooled buffer.
/// </summary>
internal sealed class FloorDispatcher
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;

    public FloorDispatcher() => _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void Handle(ReadOnlySpan<byte> request)
    {
        var reader = new Utf8JsonReader(request);
        reader.Read();
        ReadOnlySpan<byte> action = default;
        ReadOnlySpan<byte> requestId = default;
        int a = 0, b = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("action"u8))
            {
                action = reader.ValueSpan;
            }
            else if (name.SequenceEqual("a"u8))
            {
                a = reader.GetInt32();
            }
            else if (name.SequenceEqual("b"u8))
            {
                b = reader.GetInt32();
            }
            else if (name.SequenceEqual("request_id"u8))
            {
                requestId = request.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length);
            }
            else
            {
                reader.Skip();
            }
        }

        _buffer.ResetWrittenCount();
        _writer.Reset();
        switch (action)
        {
            case var x when x.SequenceEqual("add"u8):
                _writer.WriteStartObject();
                _writer.WriteStartArray("errors"u8);
                _writer.WriteEndArray();
                _writer.WriteNumber("data"u8, a + b);
                _writer.WriteString("action"u8, "add"u8);
                _writer.WriteNumber("response_status"u8, 200);
                _writer.WritePropertyName("request_id"u8);
                _writer.WriteRawValue(requestId, skipInputValidation: true);
                _writer.WriteEndObject();
                break;
            default:
                throw new InvalidOperationException("unknown action");
        }

        _writer.Flush();
    }
}
