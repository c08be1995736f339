using System.Collections.Concurrent;

namespace Consumers.Groups;

/// <summary>
/// The members of each group on this node, and the live consumers by channel name. Fan-out reads an immutable
/// member array without a lock; joins and leaves copy it under one.
/// </summary>
internal sealed class LocalGroups
{
    private readonly ConcurrentDictionary<string, Consumer[]> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Consumer> _channels = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Adds a member; true when it is the group's first member on this node.</summary>
    public bool Add(string group, Consumer consumer)
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
    public bool Remove(string group, Consumer consumer)
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
    public bool HasMembers(string group) => _groups.ContainsKey(group);

    /// <summary>The groups with members on this node (for re-subscribing after a reconnect).</summary>
    public ICollection<string> Groups => _groups.Keys;

    /// <summary>Hands the message to every local member but the excluded channel; returns how many got it.</summary>
    public int Deliver(string group, ReadOnlyMemory<byte> payload, string? excludeChannel, ModelAction? action = null, int status = 200)
    {
        if (!_groups.TryGetValue(group, out var members))
        {
            return 0;
        }

        var delivered = 0;
        foreach (var member in members)
        {
            if (excludeChannel is not null && string.Equals(member.Context.ChannelName, excludeChannel, StringComparison.Ordinal))
            {
                continue;
            }

            if (action is { } notification ? member.DeliverNotification(group, payload, notification, status) : member.Deliver(payload))
            {
                delivered++;
            }
        }

        return delivered;
    }

    public void RegisterChannel(Consumer consumer) => _channels[consumer.Context.ChannelName] = consumer;

    public void UnregisterChannel(Consumer consumer) => _channels.TryRemove(new KeyValuePair<string, Consumer>(consumer.Context.ChannelName, consumer));

    /// <summary>Hands the message to the consumer with that channel name, if it lives on this node.</summary>
    public bool DeliverToChannel(string channelName, ReadOnlyMemory<byte> payload)
        => _channels.TryGetValue(channelName, out var consumer) && consumer.Deliver(payload);
}
