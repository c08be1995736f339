using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// The messages this node published in the last <see cref="Window"/> (bounded in bytes), published again after a
/// reconnect, with their sequence numbers, before anything newer: a publish written into the socket of a server that
/// had just died is gone without an error. Receivers drop what they already have by (sending node, sequence). Used
/// only with replay on.
/// </summary>
/// <param name="maxBytes">Bytes kept at most (<see cref="NatsGroupLayerOptions.ReconnectBufferSize"/>).</param>
internal sealed class NatsRepublishWindow(int maxBytes)
{
    /// <summary>How far back a sender publishes again after a reconnect: longer than a lost server takes to be noticed.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Queue<NatsOutgoing> _recent = new();
    private readonly Lock _gate = new();
    private long _bytes;

    // Set when the connection is lost (Environment.TickCount64): what was written since then and a Window before is
    // published again.
    private long? _since;

    // Losses so far: a republish under way clears _since only if no loss came meanwhile.
    private int _losses;

    /// <summary>Whether a republish is due (the connection was lost since the last one).</summary>
    public bool Due
    {
        get
        {
            lock (_gate)
            {
                return _since is not null;
            }
        }
    }

    /// <summary>Keeps a message just written; forgets those older than <see cref="Window"/> or past the byte bound.</summary>
    public void Remember(NatsOutgoing message)
    {
        var now = Environment.TickCount64;
        lock (_gate)
        {
            _recent.Enqueue(message with { At = now });
            _bytes += message.Size;
            while (_recent.TryPeek(out var oldest) && (now - oldest.At > (long)Window.TotalMilliseconds || _bytes > maxBytes))
            {
                _recent.Dequeue();
                _bytes -= oldest.Size;
            }
        }
    }

    /// <summary>The connection was lost: the next <see cref="RepublishAsync"/> sends what was written in the window before now.</summary>
    public void Lost()
    {
        lock (_gate)
        {
            _since ??= Environment.TickCount64 - (long)Window.TotalMilliseconds;
            _losses++;
        }
    }

    /// <summary>After a reconnect, sends again what was written in the window before the loss (nothing if none is due).</summary>
    public async ValueTask RepublishAsync(INatsConnection connection, CancellationToken cancellationToken)
    {
        int losses;
        List<NatsOutgoing> again;
        lock (_gate)
        {
            if (_since is not { } since)
            {
                return;
            }

            losses = _losses;
            again = [.. _recent.Where(m => m.At >= since)];
        }

        foreach (var sent in again)
        {
            await connection.PublishAsync(sent.Subject, sent.Payload, sent.Headers, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            // Lost again meanwhile: that loss's republish is still due.
            if (_losses == losses)
            {
                _since = null;
            }
        }
    }
}
