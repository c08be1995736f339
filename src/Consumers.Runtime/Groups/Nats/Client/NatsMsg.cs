namespace Consumers.Groups.Nats.Client;

/// <summary>A received message. The payload is a private copy; it stays valid after the handler returns.</summary>
internal readonly struct NatsMsg
{
    public NatsMsg(string subject, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> payload)
    {
        Subject = subject;
        ReplyTo = replyTo;
        Headers = headers;
        Payload = payload;
    }

    /// <summary>The concrete subject it was published to (not the subscription's wildcard).</summary>
    public string Subject { get; }

    public string? ReplyTo { get; }

    /// <summary>Headers for HMSG, null for MSG.</summary>
    public NatsHeaders? Headers { get; }

    public ReadOnlyMemory<byte> Payload { get; }
}
