using System.Buffers;
using System.Text;

namespace Consumers.Groups.Nats.Client;

/// <summary>
/// One parsed server operation. Every slice points into the parser's input or its scratch buffer and is valid only
/// until the next <see cref="NatsProtocolParser.TryParse"/> call or until the input is released: copy what you keep.
/// </summary>
internal readonly struct NatsServerOp
{
    public NatsServerOpKind Kind { get; init; }

    /// <summary>MSG/HMSG: the subscription id.</summary>
    public long Sid { get; init; }

    /// <summary>MSG/HMSG: the concrete subject the message was published to.</summary>
    public ReadOnlyMemory<byte> Subject { get; init; }

    /// <summary>MSG/HMSG: the reply subject, or empty when there is none.</summary>
    public ReadOnlyMemory<byte> ReplyTo { get; init; }

    /// <summary>HMSG: the header block including its terminating blank line; empty for MSG.</summary>
    public ReadOnlySequence<byte> Headers { get; init; }

    /// <summary>MSG/HMSG: the payload (for HMSG, what follows the header block).</summary>
    public ReadOnlySequence<byte> Payload { get; init; }

    /// <summary>INFO: the JSON object. -ERR: the error text as sent (usually single-quoted).</summary>
    public ReadOnlyMemory<byte> Text { get; init; }

    /// <summary>The -ERR text without the surrounding quotes, e.g. <c>Authorization Violation</c>.</summary>
    public string GetErrorMessage()
    {
        var span = Text.Span.Trim(" \t"u8);
        if (span.Length >= 2 && span[0] == (byte)'\'' && span[^1] == (byte)'\'')
        {
            span = span[1..^1];
        }

        return Encoding.UTF8.GetString(span).Trim();
    }
}
