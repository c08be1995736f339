namespace Consumers.Observers;

/// <summary>
/// One consumer's observer subscriptions: group → the <c>request_id</c>s (raw JSON) subscribed to it. A
/// subscription made while an action runs becomes active only once that action's reply is queued, so the reply
/// always reaches the client before the first notification of it (PROTOCOL.md).
/// </summary>
internal sealed class ObserverSubscriptions
{
    private readonly Dictionary<string, List<Entry>> _byGroup = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _pending;
    private int _count;

    /// <summary>The subscriptions held (request ids over all groups).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Adds a request id to a group. Re-subscribing is idempotent (<see cref="SubscribeResult.Exists"/>); past
    /// <paramref name="max"/> subscriptions nothing is added (<see cref="SubscribeResult.Full"/>).
    /// </summary>
    public SubscribeResult Add(string group, byte[] requestId, bool active, int max)
    {
        lock (_lock)
        {
            _byGroup.TryGetValue(group, out var entries);
            if (entries is not null && entries.Exists(e => e.RequestId.AsSpan().SequenceEqual(requestId)))
            {
                return SubscribeResult.Exists;
            }

            if (_count >= max)
            {
                return SubscribeResult.Full;
            }

            if (entries is null)
            {
                _byGroup[group] = entries = [];
            }

            _count++;
            entries.Add(new Entry(requestId) { Active = active });
            if (!active)
            {
                _pending++;
            }

            return SubscribeResult.Added;
        }
    }

    /// <summary>Removes one request id (or all, when null); true when the group has no subscription left.</summary>
    public bool Remove(string group, byte[]? requestId)
    {
        lock (_lock)
        {
            if (!_byGroup.TryGetValue(group, out var entries))
            {
                return false;
            }

            if (requestId is null)
            {
                _count -= entries.Count;
                entries.Clear();
            }
            else
            {
                _count -= entries.RemoveAll(e => e.RequestId.AsSpan().SequenceEqual(requestId));
            }

            if (entries.Count > 0)
            {
                return false;
            }

            _byGroup.Remove(group);
            return true;
        }
    }

    /// <summary>Activates the subscriptions made by the action whose reply was just queued.</summary>
    public void ActivatePending()
    {
        // Called after every action: free when the action subscribed to nothing.
        if (Volatile.Read(ref _pending) == 0)
        {
            return;
        }

        lock (_lock)
        {
            _pending = 0;
            foreach (var entries in _byGroup.Values)
            {
                foreach (var entry in entries)
                {
                    entry.Active = true;
                }
            }
        }
    }

    /// <summary>The active request ids of a group, copied (notifications are written outside the lock).</summary>
    public byte[][] ActiveRequestIds(string group)
    {
        lock (_lock)
        {
            return _byGroup.TryGetValue(group, out var entries)
                ? [.. entries.Where(e => e.Active).Select(e => e.RequestId)]
                : [];
        }
    }

    private sealed class Entry(byte[] requestId)
    {
        public byte[] RequestId { get; } = requestId;

        public bool Active { get; set; }
    }
}
