using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// The messages this node published in the last <see cref="Window"/> (bounded in bytes), published again after a
/// reconnect, with their sequence numbers, before anything newer: a publish written into the socket of a server that
/// had just died is gone without an error. Receivers drop what they already have by (sending node, sequence). Used
/// only with replay on; <see cref="Remember"/> and <see cref="RepublishAsync"/> are called by one publisher at a time.
/// </summary>
/// <param name="maxBytes">Bytes kept at most (<see cref="NatsGroupLayerOptions.ReconnectBufferSize"/>).</param>
internal sealed class NatsRepublishWindow(int maxBytes)
{
    /// <summary>How far back a sender publishes again after a reconnect: longer than a lost server takes to be noticed.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Queue<SentMessage> _recent = new();
    private readonly Lock _gate = new();
    private long _bytes;

    // Set when the connection is lost (Environment.TickCount64): what was written since then and a Window before is
    // published again.
    private long? _since;

    /// <summary>Keeps a message just published; forgets those older than <see cref="Window"/> or past the byte bound.</summary>
    public void Remember(string subject, ReadOnlyMemory<byte> payload, NatsHeaders headers)
    {
        var now = Environment.TickCount64;
        var size = payload.Length + 128;
        _recent.Enqueue(new SentMessage(subject, payload, headers, now, size));
        _bytes += size;
        while (_recent.TryPeek(out var oldest) && (now - oldest.At > (long)Window.TotalMilliseconds || _bytes > maxBytes))
        {
            _recent.Dequeue();
            _bytes -= oldest.Size;
        }
    }

    /// <summary>The connection was lost: the next <see cref="RepublishAsync"/> sends what was written in the window before now.</summary>
    public void Lost()
    {
        lock (_gate)
        {
            _since ??= Environment.TickCount64 - (long)Window.TotalMilliseconds;
        }
    }

    /// <summary>After a reconnect, sends again what was written in the window before the loss (nothing if none is due).</summary>
    public async ValueTask RepublishAsync(INatsConnection connection, CancellationToken cancellationToken)
    {
        long since;
        lock (_gate)
        {
            if (_since is not { } pending)
            {
                return;
            }

            since = pending;
        }

        foreach (var sent in _recent)
        {
            if (sent.At >= since)
            {
                await connection.PublishAsync(sent.Subject, sent.Payload, sent.Headers, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        lock (_gate)
        {
            _since = null;
        }
    }
}
