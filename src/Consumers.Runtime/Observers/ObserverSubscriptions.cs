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

    /// <summary>Adds a request id to a group; false when it was already there (re-subscribing is idempotent).</summary>
    public bool Add(string group, byte[] requestId, bool active)
    {
        lock (_lock)
        {
            if (!_byGroup.TryGetValue(group, out var entries))
            {
                _byGroup[group] = entries = [];
            }

            if (entries.Exists(e => e.RequestId.AsSpan().SequenceEqual(requestId)))
            {
                return false;
            }

            entries.Add(new Entry(requestId) { Active = active });
            if (!active)
            {
                _pending++;
            }

            return true;
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
                entries.Clear();
            }
            else
            {
                entries.RemoveAll(e => e.RequestId.AsSpan().SequenceEqual(requestId));
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
