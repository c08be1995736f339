namespace Consumers.Nats;

/// <summary>
/// The messages waiting to be published, in the order they were sent, bounded in bytes
/// (<see cref="NatsGroupLayerOptions.ReconnectBufferSize"/>): what this node sent while NATS was unreachable (or while
/// an earlier publish was still being written), drained by <see cref="NatsPublisher"/> once NATS is back. Not
/// thread-safe: the publisher uses it under its lock.
/// </summary>
/// <param name="maxBytes">Bytes held at most; a message that would pass it is refused.</param>
internal sealed class NatsOutbox(int maxBytes)
{
    private readonly Queue<NatsOutgoing> _messages = new();

    /// <summary>Bytes held (<see cref="NatsOutgoing.Size"/> summed).</summary>
    public long Bytes { get; private set; }

    /// <summary>Messages held.</summary>
    public int Count => _messages.Count;

    /// <summary>The bound in bytes.</summary>
    public int MaxBytes => maxBytes;

    /// <summary>Whether the message fits under the bound.</summary>
    public bool Fits(int size) => Bytes + size <= maxBytes;

    /// <summary>Adds a message that fits (<see cref="Fits"/>).</summary>
    public void Add(NatsOutgoing message)
    {
        _messages.Enqueue(message);
        Bytes += message.Size;
    }

    /// <summary>Takes the oldest message; false when none is held.</summary>
    public bool TryTake(out NatsOutgoing message)
    {
        if (!_messages.TryDequeue(out message))
        {
            return false;
        }

        Bytes -= message.Size;
        return true;
    }
}
