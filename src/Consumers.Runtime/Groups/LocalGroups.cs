using System.Collections.Concurrent;

namespace Consumers.Groups;

/// <summary>
/// The members of each group on this node, and the live members by channel name: the local half of every group
/// layer (a layer between nodes adds the transport). Fan-out reads an immutable member array without a lock; joins
/// and leaves copy it under one.
/// </summary>
/// <remarks>
/// A layer between nodes may ask for join times (<see cref="TrackJoinTimes"/>): then each member's join is stamped
/// with this node's clock, and a message from another node can go only to the members that had joined when it was
/// sent (<see cref="Deliver(string, GroupMessage, long)"/>). The in-memory layer does not ask, and pays nothing.
/// </remarks>
internal sealed class LocalGroups
{
    private readonly ConcurrentDictionary<string, IGroupMember[]> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IGroupMember> _channels = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    // With join times tracked: per group, the same member array as _groups and each member's join time, replaced
    // together under _lock (so one entry is always a consistent pair).
    private readonly ConcurrentDictionary<string, GroupJoins> _joins = new(StringComparer.Ordinal);
    private volatile bool _trackJoinTimes;

    // Per group, how many of its members here track origins (IGroupMember.TracksOrigins); absent when none. Changed
    // under _lock with the member array.
    private readonly ConcurrentDictionary<string, int> _originMembers = new(StringComparer.Ordinal);

    // How many such memberships there are on this node: read first, so that a node without any pays one read (a
    // ConcurrentDictionary's IsEmpty takes all its locks when it is empty).
    private int _originMemberships;

    /// <summary>
    /// Stamps every join from now on with the time (Unix milliseconds, this node's clock), for
    /// <see cref="Deliver(string, GroupMessage, long)"/>. Called by a layer between nodes before any member joins.
    /// </summary>
    public void TrackJoinTimes() => _trackJoinTimes = true;

    /// <summary>Adds a member; true when it is the group's first member on this node.</summary>
    /// <param name="group">The group name (validated by the caller).</param>
    /// <param name="consumer">The member.</param>
    public bool Add(string group, IGroupMember consumer)
    {
        lock (_lock)
        {
            if (!_groups.TryGetValue(group, out var members))
            {
                _groups[group] = [consumer];
                Joined(group, consumer);
                CountOrigins(group, consumer, 1);
                return true;
            }

            if (Array.IndexOf(members, consumer) < 0)
            {
                _groups[group] = [.. members, consumer];
                Joined(group, consumer);
                CountOrigins(group, consumer, 1);
            }

            return false;
        }
    }

    /// <summary>Removes a member; true when the group has no member left on this node.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="consumer">The member.</param>
    public bool Remove(string group, IGroupMember consumer)
    {
        lock (_lock)
        {
            if (!_groups.TryGetValue(group, out var members))
            {
                return false;
            }

            var index = Array.IndexOf(members, consumer);
            if (index < 0)
            {
                return false;
            }

            CountOrigins(group, consumer, -1);
            if (members.Length == 1)
            {
                _groups.TryRemove(group, out _);
                _joins.TryRemove(group, out _);
                return true;
            }

            _groups[group] = [.. members.AsSpan(0, index), .. members.AsSpan(index + 1)];
            if (_joins.TryGetValue(group, out var joins) && joins.Members == members)
            {
                _joins[group] = joins.Without(index, _groups[group]);
            }
            else
            {
                _joins.TryRemove(group, out _);
            }

            return false;
        }
    }

    // Under _lock, right after the member array of the group was replaced with one that ends with `consumer`.
    private void Joined(string group, IGroupMember consumer)
    {
        if (!_trackJoinTimes)
        {
            return;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var members = _groups[group];
        if (_joins.TryGetValue(group, out var joins) && joins.Members.Length == members.Length - 1)
        {
            _joins[group] = joins.With(members, now);
            return;
        }

        // The group's first member (or members from before join times were tracked: counted as joined long ago).
        var joinedAt = new long[members.Length];
        Array.Fill(joinedAt, long.MinValue);
        joinedAt[^1] = now;
        _joins[group] = new GroupJoins(members, joinedAt);
    }

    // Under _lock: a member that tracks origins joined (+1) or left (-1).
    private void CountOrigins(string group, IGroupMember consumer, int change)
    {
        if (!consumer.TracksOrigins)
        {
            return;
        }

        Interlocked.Add(ref _originMemberships, change);
        var count = _originMembers.GetValueOrDefault(group) + change;
        if (count > 0)
        {
            _originMembers[group] = count;
        }
        else
        {
            _originMembers.TryRemove(group, out _);
        }
    }

    /// <summary>Whether a member of the group on this node tracks origins (<see cref="IGroupMember.TracksOrigins"/>).</summary>
    /// <param name="group">The group name.</param>
    public bool HasOriginMembers(string group) => Volatile.Read(ref _originMemberships) != 0 && _originMembers.ContainsKey(group);

    /// <summary>Whether the group has members on this node.</summary>
    /// <param name="group">The group name.</param>
    public bool HasMembers(string group) => _groups.ContainsKey(group);

    /// <summary>The groups with members on this node (for re-subscribing after a reconnect).</summary>
    public ICollection<string> Groups => _groups.Keys;

    /// <summary>The group's members on this node now (empty when none): an immutable array, never changed afterwards.</summary>
    /// <param name="group">The group name.</param>
    public IGroupMember[] Members(string group) => _groups.TryGetValue(group, out var members) ? members : [];

    /// <summary>Hands the message to every local member but the excluded channel; returns how many queued it.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="message">The message, the same instance for every member.</param>
    public int Deliver(string group, GroupMessage message)
    {
        if (!_groups.TryGetValue(group, out var members))
        {
            message.MarkHandedToMembers();
            return 0;
        }

        return DeliverTo(group, members, null, 0, message);
    }

    /// <summary>
    /// Hands the message to every local member but the excluded channel that had joined by <paramref name="joinedBy"/>
    /// (Unix milliseconds; a member's join time is this node's clock when it joined). Without join times
    /// (<see cref="TrackJoinTimes"/> not called) every member gets it. Returns how many queued it.
    /// </summary>
    /// <param name="group">The group name.</param>
    /// <param name="message">The message, the same instance for every member.</param>
    /// <param name="joinedBy">The latest join time of a member that gets it.</param>
    public int Deliver(string group, GroupMessage message, long joinedBy)
    {
        if (!_trackJoinTimes)
        {
            return Deliver(group, message);
        }

        if (!_joins.TryGetValue(group, out var joins))
        {
            return Deliver(group, message);
        }

        // Everyone had joined by then (the usual case): no time is compared per member.
        return DeliverTo(group, joins.Members, joins.Latest <= joinedBy ? null : joins.JoinedAt, joinedBy, message);
    }

    // Every member but the excluded channel, and, with join times, only those that had joined by `joinedBy`.
    private static int DeliverTo(string group, IGroupMember[] members, long[]? joinedAt, long joinedBy, GroupMessage message)
    {
        var delivered = 0;
        var exclude = message.ExcludeChannel;
        var previous = System.Diagnostics.Activity.Current;
        var activity = Diagnostics.ConsumerTracing.IsEnabled ? StartDelivery(group, message) : null;
        try
        {
            for (var i = 0; i < members.Length; i++)
            {
                var member = members[i];
                if (exclude is not null && string.Equals(member.ChannelName, exclude, StringComparison.Ordinal))
                {
                    continue;
                }

                if (joinedAt is not null && joinedAt[i] > joinedBy)
                {
                    continue;
                }

                if (member.Deliver(message))
                {
                    delivered++;
                }
            }
        }
        finally
        {
            message.MarkHandedToMembers();
            if (activity is not null)
            {
                activity.SetTag("consumers.recipients", delivered);
                Diagnostics.ConsumerTracing.Stop(activity);
                System.Diagnostics.Activity.Current = previous;
            }
        }

        return delivered;
    }

    // The delivery of a message sent inside a trace, on this node: a child of the sender's span, whichever node that was.
    private static System.Diagnostics.Activity? StartDelivery(string destination, GroupMessage message)
    {
        var activity = Diagnostics.ConsumerTracing.StartFromMessage(
            "group deliver",
            System.Diagnostics.ActivityKind.Consumer,
            message.GetHeader(Diagnostics.ConsumerTracing.TraceParentHeader),
            message.GetHeader(Diagnostics.ConsumerTracing.TraceStateHeader),
            always: false);
        activity?.SetTag("messaging.system", Diagnostics.ConsumerTracing.RpcSystem);
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", destination);
        return activity;
    }

    /// <summary>Makes a member reachable by its channel name (Channels' <c>send(channel_name, ...)</c>).</summary>
    /// <param name="member">The member.</param>
    public void RegisterChannel(IGroupMember member) => _channels[member.ChannelName] = member;

    /// <summary>Makes a member unreachable by its channel name.</summary>
    /// <param name="member">The member.</param>
    public void UnregisterChannel(IGroupMember member) => _channels.TryRemove(new KeyValuePair<string, IGroupMember>(member.ChannelName, member));

    /// <summary>The member with that channel name on this node, or null.</summary>
    /// <param name="channelName">The channel name.</param>
    public IGroupMember? Channel(string channelName) => _channels.TryGetValue(channelName, out var member) ? member : null;

    /// <summary>Hands the message to the member with that channel name, if it lives on this node.</summary>
    /// <param name="channelName">The channel name.</param>
    /// <param name="message">The message.</param>
    /// <returns>Whether a member on this node queued it.</returns>
    public bool DeliverToChannel(string channelName, GroupMessage message)
    {
        var previous = System.Diagnostics.Activity.Current;
        var activity = Diagnostics.ConsumerTracing.IsEnabled ? StartDelivery(channelName, message) : null;
        try
        {
            return _channels.TryGetValue(channelName, out var member) && member.Deliver(message);
        }
        finally
        {
            message.MarkHandedToMembers();
            if (activity is not null)
            {
                Diagnostics.ConsumerTracing.Stop(activity);
                System.Diagnostics.Activity.Current = previous;
            }
        }
    }

    /// <summary>One group's members (the array in <c>_groups</c>) and when each joined, in the same order; immutable.</summary>
    private sealed class GroupJoins(IGroupMember[] members, long[] joinedAt)
    {
        public IGroupMember[] Members { get; } = members;

        public long[] JoinedAt { get; } = joinedAt;

        /// <summary>The latest join.</summary>
        public long Latest { get; } = joinedAt.Length == 0 ? long.MinValue : joinedAt.Max();

        /// <summary>These joins and one more, at the end of <paramref name="members"/>.</summary>
        public GroupJoins With(IGroupMember[] members, long at) => new(members, [.. JoinedAt, at]);

        /// <summary>These joins without the one at <paramref name="index"/>.</summary>
        public GroupJoins Without(int index, IGroupMember[] members) => new(members, [.. JoinedAt.AsSpan(0, index), .. JoinedAt.AsSpan(index + 1)]);
    }
}
