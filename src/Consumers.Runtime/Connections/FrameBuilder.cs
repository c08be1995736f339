using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Consumers.Connections;

/// <summary>
/// Builds one outbound frame into a pooled buffer with a reused <see cref="Utf8JsonWriter"/>, adding the
/// multiplexer's <c>{"stream":...,"payload":</c> wrapper when the consumer sits on a stream. One builder is
/// cached per thread; use it synchronously between <see cref="Rent"/> and <see cref="Dispose"/>.
/// </summary>
internal sealed class FrameBuilder : IBufferWriter<byte>, IDisposable
{
    private const int InitialSize = 512;

    [ThreadStatic]
    private static FrameBuilder? t_cached;

    private readonly Utf8JsonWriter _json;
    private byte[]? _buffer;
    private int _written;

    private FrameBuilder()
    {
        _json = new Utf8JsonWriter(this, new JsonWriterOptions
        {
            // JSON over a WebSocket is never embedded in HTML: escape only what JSON requires (\" not \u0022),
            // and send non-ASCII text as UTF-8. Clients insert received text as text.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }

    public static FrameBuilder Rent()
    {
        var builder = t_cached ?? new FrameBuilder();
        t_cached = null;
        builder._buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        builder._written = 0;
        return builder;
    }

    /// <summary>One DCRF envelope with <c>data: null</c> (an error or an empty reply), in the stream when there is one.</summary>
    public static OutboundFrame EnvelopeWithoutData(byte[]? streamPrefix, ReadOnlySpan<byte> actionToken, int status, ActionErrors errors, ReadOnlySpan<byte> requestId)
    {
        using var frame = Rent();
        var writer = frame.BeginPayload(streamPrefix);
        Protocol.Envelope.WriteWithoutData(writer, actionToken, status, errors, requestId);
        return frame.Complete(streamPrefix);
    }

    /// <summary>
    /// The <c>{"error": "..."}</c> object a plain JSON consumer (<see cref="ReceiveAttribute"/>) gets instead of an
    /// error envelope, in the stream when there is one.
    /// </summary>
    public static OutboundFrame PlainError(byte[]? streamPrefix, string error)
    {
        using var frame = Rent();
        var writer = frame.BeginPayload(streamPrefix);
        writer.WriteStartObject();
        writer.WriteString("error"u8, error);
        writer.WriteEndObject();
        return frame.Complete(streamPrefix);
    }

    /// <summary>Starts the payload object; the returned writer is positioned at the root.</summary>
    public Utf8JsonWriter BeginPayload(byte[]? streamPrefix)
    {
        if (streamPrefix is not null)
        {
            streamPrefix.CopyTo(GetSpan(streamPrefix.Length));
            Advance(streamPrefix.Length);
        }

        _json.Reset(this);
        return _json;
    }

    /// <summary>Ends the frame and hands its buffer to the returned frame (which now owns it).</summary>
    public OutboundFrame Complete(byte[]? streamPrefix)
    {
        _json.Flush();
        if (streamPrefix is not null)
        {
            GetSpan(1)[0] = (byte)'}';
            Advance(1);
        }

        var frame = OutboundFrame.Rented(_buffer!, _written);
        _buffer = null;
        _written = 0;
        return frame;
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer!.Length - _written >= needed)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + needed));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        t_cached = this;
    }
}
