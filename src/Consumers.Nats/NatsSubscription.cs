using System.Threading.Channels;
using Consumers.Groups;
using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// One NATS subscription of the layer (a group's, or this node's for channel messages) and the read loop that hands
/// its messages to local members. When replay is on, it remembers the last sequence seen from each sending node, so
/// a message that arrives both live and from the stream is delivered once; while a replay runs, live messages wait
/// (<see cref="Hold"/>) and follow the replayed ones in order (<see cref="Release"/>).
/// </summary>
internal sealed class NatsSubscription : IAsyncDisposable
{
    // Buffered messages delivered as one DeliveryBatch at most.
    private const int MessagesPerBatch = 64;

    private INatsSub<byte[]> _sub;
    private readonly Func<NatsMsg<byte[]>, NatsInbound?> _parse;
    private readonly Action<NatsInbound> _deliver;
    private readonly Action<Exception> _failed;
    private readonly bool _deduplicate;
    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private Task _reader;
    private List<NatsInbound>? _held;
    private long _received;
    private long _duplicates;

    public NatsSubscription(INatsSub<byte[]> sub, Func<NatsMsg<byte[]>, NatsInbound?> parse, Action<NatsInbound> deliver, Action<Exception> failed, bool deduplicate, bool hold)
    {
        _failed = failed;
        _sub = sub;
        Subject = sub.Subject;
        _parse = parse;
        _deliver = deliver;
        _deduplicate = deduplicate;
        if (hold)
        {
            _held = [];
        }

        _reader = Task.Run(() => ReadAsync(sub));
    }

    public string Subject { get; private set; } = string.Empty;

    /// <summary>Live messages read, duplicates dropped, and whether it is holding: for failure messages.</summary>
    public string State
    {
        get
        {
            lock (_lock)
            {
                return $"{Subject}: {Interlocked.Read(ref _received)} received, {_duplicates} duplicates, {(_held is null ? "live" : $"holding {_held.Count}")}, last [{string.Join(",", _lastSequence.Select(p => $"{p.Key}={p.Value}"))}]";
            }
        }
    }

    /// <summary>From now on live messages wait until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_lock)
        {
            _held ??= [];
        }
    }

    /// <summary>A message from the replay stream: delivered unless this node already had it.</summary>
    /// <returns>Whether it was delivered.</returns>
    public bool Replay(NatsInbound message)
    {
        lock (_lock)
        {
            return Offer(message);
        }
    }

    /// <summary>Delivers the live messages that waited during the replay (those not replayed) and stops holding.</summary>
    public void Release()
    {
        lock (_lock)
        {
            if (_held is null)
            {
                return;
            }

            foreach (var message in _held)
            {
                Offer(message);
            }

            _held = null;
        }
    }

    /// <summary>
    /// Moves to a fresh subscription on the same subject and drops the old one. After a reconnect the layer does this
    /// rather than trust the client's re-subscription alone: in about one outage in twenty a node's replayed SUB was
    /// not in effect on the restarted server and live messages stopped. Messages arriving on both are deduplicated.
    /// </summary>
    public async ValueTask ReplaceAsync(INatsSub<byte[]> fresh)
    {
        INatsSub<byte[]> old;
        Task oldReader;
        lock (_lock)
        {
            old = _sub;
            oldReader = _reader;
            _sub = fresh;
            _reader = Task.Run(() => ReadAsync(fresh));
        }

        await old.DisposeAsync().ConfigureAwait(false);
        await oldReader.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _sub.DisposeAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
    }

    private async Task ReadAsync(INatsSub<byte[]> sub)
    {
        var reader = sub.Msgs;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // The messages buffered now, delivered as one batch: what they send to each local client leaves in one
            // write (at most MessagesPerBatch, bounding how long the first one is held).
            DeliveryBatch.Run((this, reader), static s => s.Item1.ReceiveBuffered(s.reader));
        }
    }

    private void ReceiveBuffered(ChannelReader<NatsMsg<byte[]>> reader)
    {
        for (var i = 0; i < MessagesPerBatch && reader.TryRead(out var msg); i++)
        {
            try
            {
                Receive(msg);
            }
            catch (Exception ex)
            {
                // One bad message must not end the subscription's delivery: log it and read on.
                _failed(ex);
            }
        }
    }

    private void Receive(NatsMsg<byte[]> msg)
    {
        Interlocked.Increment(ref _received);
        if (_parse(msg) is not { } message)
        {
            return;
        }

        if (!_deduplicate)
        {
            _deliver(message);
            return;
        }

        lock (_lock)
        {
            if (_held is not null)
            {
                _held.Add(message);
            }
            else
            {
                Offer(message);
            }
        }
    }

    // Under _lock. Sequences of one sender are increasing on each subject (one publishing connection, publishes
    // numbered in the order they are written), so anything at or below the last one seen was delivered already.
    private bool Offer(NatsInbound message)
    {

        if (message.SenderNode is { } sender && message.Sequence > 0)
        {
            if (_lastSequence.TryGetValue(sender, out var last) && message.Sequence <= last)
            {
                _duplicates++;
                return false;
            }

            _lastSequence[sender] = message.Sequence;
        }

        _deliver(message);
        return true;
    }
}
