namespace Consumers.Groups.Nats.Client;

/// <summary>
/// A publish exceeded the server's <c>max_payload</c>. Raised before anything is written: the server would
/// answer <c>-ERR 'Maximum Payload Violation'</c> and close the connection for every other user of it.
/// </summary>
internal sealed class NatsPayloadTooLargeException : NatsException
{
    public NatsPayloadTooLargeException(string subject, long size, long maxPayload)
        : base($"Cannot publish {size} bytes (headers + payload) to '{subject}': the server's max_payload is {maxPayload} bytes.")
    {
        Size = size;
        MaxPayload = maxPayload;
    }

    public long Size { get; }

    public long MaxPayload { get; }
}
