namespace Consumers.Observers;

/// <summary>
/// One consumer's observer subscriptions: group → the <c>request_id</c>s (raw JSON) subscribed to it. A
/// subscription made while an action runs becomes active only once that action's reply is queued, so the reply
/// always reaches the client before the first notification of it (docs/protocol.md, "Subscriptions and notifications").
/// Each subscription also counts towards the user's limit over all the user's connections on this node
/// (<paramref name="user"/>; null for an anonymous connection).
/// </summary>
internal sealed class ObserverSubscriptions(Security.SubscriptionAllowance? user = null)
{
    private readonly Dictionary<string, List<Entry>> _byGroup = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _pending;
    private int _count;

    // The ids of the last changes over several groups written to this consumer (a ring, made on first use): a change
    // arrives once per group, and copies of one change arrive close together (they are published one after another).
    private string[]? _recentChanges;
    private int _nextChange;

    /// <summary>How many recent multi-group change ids a consumer remembers to drop the later copies of a change.</summary>
    public const int RecentChanges = 64;

    /// <summary>The subscriptions held (request ids over all groups).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Adds a request id to a group. Re-subscribing is idempotent (<see cref="SubscribeResult.Exists"/>); past
    /// <paramref name="max"/> subscriptions nothing is added (<see cref="SubscribeResult.Full"/>), nor when the user
    /// holds the user's limit already (<see cref="SubscribeResult.UserFull"/>).
    /// </summary>
    /// <param name="group">The observer group.</param>
    /// <param name="requestId">The request id (raw JSON).</param>
    /// <param name="pendingFor">
    /// Null for an active subscription; else what it waits for: <see cref="OrderedAction"/> (the running ordered action)
    /// or a concurrent action or stream (its own reply). <see cref="ActivatePending"/> with the same object activates it.
    /// </param>
    /// <param name="max">Subscriptions the consumer may hold.</param>
    public SubscribeResult Add(string group, byte[] requestId, object? pendingFor, int max)
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

            if (user is not null && !user.TryTake())
            {
                return SubscribeResult.UserFull;
            }

            if (entries is null)
            {
                _byGroup[group] = entries = [];
            }

            _count++;
            entries.Add(new Entry(requestId) { PendingFor = pendingFor });
            if (pendingFor is not null)
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

            var pendingRemoved = entries.Count(e => !e.Active && (requestId is null || e.RequestId.AsSpan().SequenceEqual(requestId)));
            var removed = requestId is null ? entries.Count : entries.RemoveAll(e => e.RequestId.AsSpan().SequenceEqual(requestId));
            if (requestId is null)
            {
                entries.Clear();
            }

            _pending -= pendingRemoved;
            _count -= removed;
            user?.Return(removed);

            if (entries.Count > 0)
            {
                return false;
            }

            _byGroup.Remove(group);
            return true;
        }
    }

    /// <summary>Whether a subscription waits for its call's reply (it gets no notification until then).</summary>
    public bool HasPending => Volatile.Read(ref _pending) > 0;

    /// <summary>What subscriptions made while an ordered action runs wait for (<see cref="Add"/>'s <c>pendingFor</c>).</summary>
    public static readonly object OrderedAction = new();

    /// <summary>Activates the subscriptions made by the action whose reply was just queued (<paramref name="pendingFor"/>).</summary>
    public void ActivatePending(object pendingFor)
    {
        // Called after every action: free when no action subscribed to anything.
        if (Volatile.Read(ref _pending) == 0)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var entries in _byGroup.Values)
            {
                foreach (var entry in entries)
                {
                    if (entry.PendingFor == pendingFor)
                    {
                        entry.PendingFor = null;
                        _pending--;
                    }
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

    /// <summary>
    /// Claims a change over several groups: true the first time its id is seen (the caller writes it), false for the
    /// later copies (the caller drops them).
    /// </summary>
    public bool TryClaimChange(string changeId)
    {
        lock (_lock)
        {
            var recent = _recentChanges ??= new string[RecentChanges];
            if (Array.IndexOf(recent, changeId) >= 0)
            {
                return false;
            }

            recent[_nextChange] = changeId;
            _nextChange = (_nextChange + 1) % RecentChanges;
            return true;
        }
    }

    /// <summary>
    /// The active request ids subscribed to any group of a change, each once, with the action it sees: subscribed to a
    /// group before and after the change, <see cref="ModelAction.Update"/>; only after, <see cref="ModelAction.Create"/>;
    /// only before, <see cref="ModelAction.Delete"/>.
    /// </summary>
    public NotificationTarget[] ChangeTargets(string[] before, string[] after)
    {
        List<byte[]> created = [], updated = [], deleted = [];
        lock (_lock)
        {
            var seenBefore = Active(before);
            var seenAfter = Active(after);
            foreach (var id in seenBefore)
            {
                (seenAfter.Exists(a => a.AsSpan().SequenceEqual(id)) ? updated : deleted).Add(id);
            }

            created.AddRange(seenAfter.Where(a => !seenBefore.Exists(b => b.AsSpan().SequenceEqual(a))));
        }

        return [new(ModelAction.Delete, [.. deleted]), new(ModelAction.Update, [.. updated]), new(ModelAction.Create, [.. created])];
    }

    // The distinct active request ids of some groups (under the lock).
    private List<byte[]> Active(string[] groups)
    {
        var ids = new List<byte[]>();
        foreach (var group in groups)
        {
            if (_byGroup.TryGetValue(group, out var entries))
            {
                foreach (var entry in entries)
                {
                    if (entry.Active && !ids.Exists(i => i.AsSpan().SequenceEqual(entry.RequestId)))
                    {
                        ids.Add(entry.RequestId);
                    }
                }
            }
        }

        return ids;
    }

    private sealed class Entry(byte[] requestId)
    {
        public byte[] RequestId { get; } = requestId;

        // What the subscription waits for (an action's reply) before notifications reach it; null once active.
        public object? PendingFor { get; set; }

        public bool Active => PendingFor is null;
    }
}
