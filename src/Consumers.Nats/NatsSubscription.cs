using System.Threading.Channels;
using Consumers.Groups;
using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// One NATS subscription of the layer (a group's, or this node's for channel messages) and the read loop that hands
/// its messages to local members. When replay is on, it remembers the last sequence seen from each sending node, so
/// a message that arrives both live and from the stream is delivered once; while a replay runs, live messages wait
/// (<see cref="Hold"/>) and follow the replayed ones in order (<see cref="BeginRelease"/>, <see cref="ReleaseAsync"/>).
/// Every message is paced to the members' queues (<see cref="NatsPacer"/>): a backlog (replayed, held here, or held in
/// the sender's outbox) and live messages alike, so a node whose clients read slower than the other nodes send (their
/// senders' own echoes come back in-process, so nothing else slows them) leaves the surplus in NATS rather than
/// filling its clients' send queues until they are closed with 1008.
/// </summary>
internal sealed class NatsSubscription : IAsyncDisposable
{
    // Buffered messages delivered as one DeliveryBatch at most.
    private const int MessagesPerBatch = 64;

    private INatsSub<byte[]> _sub;
    private readonly NatsMessageCodec _codec;
    private readonly Action<NatsInbound> _deliver;
    private readonly Func<NatsInbound, IReadOnlyList<IGroupMember>> _recipients;
    private readonly NatsPacer _pacer;
    private readonly Action<Exception> _failed;
    private readonly bool _deduplicate;
    private readonly NatsSenderOrder _order = new();
    private readonly List<NatsInbound> _ready = [];
    private readonly Lock _lock = new();
    private Task _reader;

    // Live messages waiting while holding or releasing; null when live.
    private Queue<NatsInbound>? _held;

    // A release runs; it may deliver this many more of the held messages (fewer than all once a new loss holds again:
    // the rest wait for that loss's replay).
    private bool _releasing;
    private int _releasable;

    // A message that waits for room: the read loop's (only it touches _paused) and the release's (only it touches
    // _releasePaused).
    private NatsInbound? _paused;
    private NatsInbound? _releasePaused;

    private long _received;

    // A task lets go of messages that waited too long for a missing earlier one (NatsSenderOrder.GapWait).
    private bool _expiring;

    /// <param name="sub">The client's subscription.</param>
    /// <param name="codec">Decodes what arrives.</param>
    /// <param name="deliver">Hands one message to its local members.</param>
    /// <param name="recipients">The local members a message goes to (to pace a backlog to them).</param>
    /// <param name="pacer">Paces a backlog.</param>
    /// <param name="failed">Told when a delivery throws.</param>
    /// <param name="deduplicate">Whether to drop what was seen by (sending node, sequence): with replay on.</param>
    /// <param name="hold">Whether it is born holding (released by <see cref="BeginRelease"/>).</param>
    public NatsSubscription(INatsSub<byte[]> sub, NatsMessageCodec codec, Action<NatsInbound> deliver, Func<NatsInbound, IReadOnlyList<IGroupMember>> recipients, NatsPacer pacer, Action<Exception> failed, bool deduplicate, bool hold)
    {
        _failed = failed;
        _sub = sub;
        Subject = sub.Subject;
        _codec = codec;
        _deliver = deliver;
        _recipients = recipients;
        _pacer = pacer;
        _deduplicate = deduplicate;
        if (hold)
        {
            _held = new();
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
                return $"{Subject}: {Interlocked.Read(ref _received)} received, {_order.Duplicates} duplicates, {(_held is null ? "live" : $"{(_releasing ? "releasing" : "holding")} {_held.Count}")}, {_order.State}";
            }
        }
    }

    /// <summary>From now on live messages wait until a release; a release under way stops before them.</summary>
    public void Hold()
    {
        lock (_lock)
        {
            _held ??= new();
            if (_releasing)
            {
                _releasable = Math.Min(_releasable, _held.Count);
            }
        }
    }

    /// <summary>
    /// Starts delivering the live messages that waited (those not replayed), then going live. True when the caller must
    /// run <see cref="ReleaseAsync"/>; false when there is nothing to release or a release already runs (it now
    /// delivers everything held).
    /// </summary>
    public bool BeginRelease()
    {
        lock (_lock)
        {
            if (_held is null)
            {
                return false;
            }

            _releasable = int.MaxValue;
            if (_releasing)
            {
                return false;
            }

            _releasing = true;
            return true;
        }
    }

    /// <summary>Delivers the held messages in order, paced, after <see cref="BeginRelease"/> returned true.</summary>
    public async Task ReleaseAsync()
    {
        try
        {
            while (true)
            {
                if (_releasePaused is { } paused)
                {
                    await _pacer.WaitAsync(_recipients, paused).ConfigureAwait(false);
                    _releasePaused = null;
                    lock (_lock)
                    {
                        TryOffer(paused);
                    }
                }

                // As the read loop does: what this run delivers to each client leaves in one write.
                var done = false;
                DeliveryBatch.Run(this, s => done = s.ReleaseSome());
                if (done)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The layer stops.
            lock (_lock)
            {
                _releasing = false;
            }
        }
    }

    /// <summary>A message from the replay stream: delivered (paced) unless this node already had it.</summary>
    /// <returns>Whether it was delivered.</returns>
    public async ValueTask<bool> ReplayAsync(NatsInbound message)
    {
        lock (_lock)
        {
            if (_order.IsDuplicate(message))
            {
                return TryOffer(message);
            }

            if (!_pacer.MustWait(_recipients(message)))
            {
                return TryOffer(message);
            }
        }

        await _pacer.WaitAsync(_recipients, message).ConfigureAwait(false);
        lock (_lock)
        {
            return TryOffer(message);
        }
    }

    /// <summary>
    /// Moves to a fresh subscription on the same subject and drops the old one. After a reconnect the layer does this
    /// rather than trust the client's re-subscription alone: in about one outage in twenty a node's replayed SUB was
    /// not in effect on the restarted server and live messages stopped. The fresh one is read only once the old one's
    /// reader has finished (its messages buffer meanwhile): two readers feeding the held messages at once could put a
    /// sender's later message before an earlier one, and the duplicate check would then drop the earlier one. Messages
    /// arriving on both are deduplicated.
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
        }

        await old.DisposeAsync().ConfigureAwait(false);
        await oldReader.ConfigureAwait(false);
        lock (_lock)
        {
            _reader = Task.Run(() => ReadAsync(fresh));
        }
    }

    public async ValueTask DisposeAsync()
    {
        INatsSub<byte[]> sub;
        lock (_lock)
        {
            sub = _sub;
        }

        await sub.DisposeAsync().ConfigureAwait(false);
        Task reader;
        lock (_lock)
        {
            reader = _reader;
        }

        await reader.ConfigureAwait(false);
    }

    private async Task ReadAsync(INatsSub<byte[]> sub)
    {
        var reader = sub.Msgs;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                do
                {
                    if (_paused is { } paused)
                    {
                        await _pacer.WaitAsync(_recipients, paused).ConfigureAwait(false);
                        _paused = null;
                        Accept(paused, pace: false);
                    }

                    // The messages buffered now, delivered as one batch: what they send to each local client leaves in
                    // one write (at most MessagesPerBatch, bounding how long the first one is held).
                    DeliveryBatch.Run((this, reader), static s => s.Item1.ReceiveBuffered(s.reader));
                }
                while (_paused is not null);
            }
        }
        catch (OperationCanceledException)
        {
            // The layer stops while a backlog is paced.
        }
    }

    // Delivers what is buffered, MessagesPerBatch at most; stops early when a message waits for room (in _paused).
    private void ReceiveBuffered(ChannelReader<NatsMsg<byte[]>> reader)
    {
        for (var i = 0; i < MessagesPerBatch; i++)
        {
            if (!reader.TryRead(out var msg))
            {
                return;
            }

            Interlocked.Increment(ref _received);
            if (_codec.Decode(msg) is { } message && !Accept(message, pace: true))
            {
                // Paused for room: the read loop waits, then goes on with it.
                return;
            }
        }
    }

    // A live message: delivered, held (while a replay or release runs), or (when pace is on, the read loop's case, and
    // a recipient has no room) left in _paused for the read loop to wait for. False when paused.
    private bool Accept(NatsInbound message, bool pace)
    {
        try
        {
            if (!_deduplicate)
            {
                if (pace && _pacer.MustWait(_recipients(message)))
                {
                    _paused = message;
                    return false;
                }

                _deliver(message);
                return true;
            }

            lock (_lock)
            {
                if (_held is not null)
                {
                    _held.Enqueue(message);
                    return true;
                }

                if (pace && !_order.IsDuplicate(message) && _pacer.MustWait(_recipients(message)))
                {
                    _paused = message;
                    return false;
                }

                TryOffer(message);
                return true;
            }
        }
        catch (Exception ex)
        {
            // One bad message must not end the subscription's delivery: log it and read on.
            _failed(ex);
            return true;
        }
    }

    // One run of the release, in a delivery batch: true when it is over (all delivered, or stopped before a new
    // loss's messages); false when a message waits for room in _releasePaused, or the run's share is done.
    private bool ReleaseSome()
    {
        for (var i = 0; i < MessagesPerBatch; i++)
        {
            lock (_lock)
            {
                if (_releasable == 0)
                {
                    _releasing = false;
                    return true;
                }

                if (!_held!.TryDequeue(out var next))
                {
                    _held = null;
                    _releasing = false;
                    return true;
                }

                if (_releasable != int.MaxValue)
                {
                    _releasable--;
                }

                if (!_order.IsDuplicate(next) && _pacer.MustWait(_recipients(next)))
                {
                    _releasePaused = next;
                    return false;
                }

                TryOffer(next);
            }
        }

        return false;
    }

    // Under _lock: delivers the message unless it is a duplicate, in the sender's order (it may wait for an earlier one
    // still missing, and let go of others that waited for it). False for a duplicate.
    private bool TryOffer(NatsInbound message)
    {
        if (!_deduplicate)
        {
            Deliver(message);
            return true;
        }

        var duplicates = _order.Duplicates;
        _order.Offer(message, Environment.TickCount64, _ready);
        DeliverReady();
        if (_order.Waiting && !_expiring)
        {
            _expiring = true;
            _ = ExpireAsync();
        }

        return _order.Duplicates == duplicates;
    }

    // Lets go of what waited longer than NatsSenderOrder.GapWait for a missing message, until nothing waits.
    private async Task ExpireAsync()
    {
        while (true)
        {
            await Task.Delay(NatsSenderOrder.GapWait).ConfigureAwait(false);
            lock (_lock)
            {
                _order.Expire(Environment.TickCount64, _ready);
                DeliverReady();
                if (!_order.Waiting)
                {
                    _expiring = false;
                    return;
                }
            }
        }
    }

    // Under _lock.
    private void DeliverReady()
    {
        foreach (var message in _ready)
        {
            Deliver(message);
        }

        _ready.Clear();
    }

    // A member that throws is logged, and the rest goes on.
    private void Deliver(NatsInbound message)
    {
        try
        {
            _deliver(message);
        }
        catch (Exception ex)
        {
            _failed(ex);
        }
    }
}
