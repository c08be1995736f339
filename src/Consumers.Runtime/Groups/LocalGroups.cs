using System.Collections.Concurrent;

namespace Consumers.Groups;

/// <summary>
/// The members of each group on this node, and the live members by channel name: the local half of every group
/// layer (a layer between nodes adds the transport). Fan-out reads an immutable member array without a lock; joins
/// and leaves copy it under one.
/// </summary>
internal sealed class LocalGroups
{
    private readonly ConcurrentDictionary<string, IGroupMember[]> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IGroupMember> _channels = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

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
                return true;
            }

            if (Array.IndexOf(members, consumer) < 0)
            {
                _groups[group] = [.. members, consumer];
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

            if (members.Length == 1)
            {
                _groups.TryRemove(group, out _);
                return true;
            }

            _groups[group] = [.. members.AsSpan(0, index), .. members.AsSpan(index + 1)];
            return false;
        }
    }

    /// <summary>Whether the group has members on this node.</summary>
    /// <param name="group">The group name.</param>
    public bool HasMembers(string group) => _groups.ContainsKey(group);

    /// <summary>The groups with members on this node (for re-subscribing after a reconnect).</summary>
    public ICollection<string> Groups => _groups.Keys;

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

        var delivered = 0;
        var exclude = message.ExcludeChannel;
        try
        {
            foreach (var member in members)
            {
                if (exclude is not null && string.Equals(member.ChannelName, exclude, StringComparison.Ordinal))
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
        }

        return delivered;
    }

    /// <summary>Makes a member reachable by its channel name (Channels' <c>send(channel_name, ...)</c>).</summary>
    /// <param name="member">The member.</param>
    public void RegisterChannel(IGroupMember member) => _channels[member.ChannelName] = member;

    /// <summary>Makes a member unreachable by its channel name.</summary>
    /// <param name="member">The member.</param>
    public void UnregisterChannel(IGroupMember member) => _channels.TryRemove(new KeyValuePair<string, IGroupMember>(member.ChannelName, member));

    /// <summary>Hands the message to the member with that channel name, if it lives on this node.</summary>
    /// <param name="channelName">The channel name.</param>
    /// <param name="message">The message.</param>
    /// <returns>Whether a member on this node queued it.</returns>
    public bool DeliverToChannel(string channelName, GroupMessage message)
    {
        try
        {
            return _channels.TryGetValue(channelName, out var member) && member.Deliver(message);
        }
        finally
        {
            message.MarkHandedToMembers();
        }
    }
}
